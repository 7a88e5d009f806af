package io.aldis.transport.ws.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides whether a WebSocket handshake's {@code Origin} may connect. Browsers send the header
 * on every WebSocket handshake, so this is what stops a page of another site from using a
 * visitor's browser to reach the node.
 *
 * <ul>
 *   <li>No entries: requests without an Origin (non-browser clients) and origins whose host and
 *       port equal the request's {@code Host} header.</li>
 *   <li>{@code *}: any origin.</li>
 *   <li>Otherwise: exactly the listed origins (scheme, host and port; compared case-insensitively,
 *       a trailing slash ignored); requests without an Origin header are still accepted.</li>
 * </ul>
 */
final class OriginPolicy {
    private final boolean any;
    private final Set<String> allowed;

    OriginPolicy(List<String> allowedOrigins) {
        this.any = allowedOrigins.contains("*");
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param origin the Origin header, or null when absent
     * @param host the Host header, or null when absent
     * @param secure whether the connection is TLS (the default port of the Host header follows it)
     */
    boolean allows(String origin, String host, boolean secure) {
        if (origin == null) {
            return true;
        }
        if (any) {
            return true;
        }
        if (!allowed.isEmpty()) {
            return allowed.contains(normalize(origin));
        }
        return sameHost(origin, host, secure);
    }

    private static boolean sameHost(String origin, String host, boolean secure) {
        if (host == null || host.isBlank()) {
            return false;
        }
        URI originUri;
        URI hostUri;
        try {
            originUri = new URI(origin.trim());
            hostUri = new URI((secure ? "https" : "http") + "://" + host.trim());
        } catch (URISyntaxException e) {
            return false; // includes the opaque origin "null"
        }
        String scheme = originUri.getScheme();
        if (scheme == null || originUri.getHost() == null || hostUri.getHost() == null) {
            return false;
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return false;
        }
        int originPort = port(originUri.getPort(), scheme.equals("https"));
        int hostPort = port(hostUri.getPort(), secure);
        return originUri.getHost().equalsIgnoreCase(hostUri.getHost()) && originPort == hostPort;
    }

    private static int port(int port, boolean secure) {
        return port >= 0 ? port : secure ? 443 : 80;
    }

    private static String normalize(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
