package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.internal.ListenerSettings;
import io.aldis.protocol.api.spi.transport.internal.TransportSettings;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebSocket listener's settings as plain values, so a listener can run without OSGi: the
 * {@link ListenerSettings} every listener has, and the WebSocket's own keys.
 *
 * @param path the HTTP path of the WebSocket endpoint, starting with {@code /}, without a trailing one
 * @param subprotocol the subprotocol of one frame per message; a client must offer it or its
 *        batched form ({@link #batchSubprotocol()}), or this is the empty string to accept
 *        handshakes without one (only the conformance echo server does that)
 * @param allowedOrigins empty: no Origin header or a same-host origin; otherwise the exact
 *        origins allowed, or {@code *} for any
 * @param pingIntervalMillis interval of WebSocket pings; 0 sends none
 * @param clientTimeoutMillis a client that sends nothing for this long is closed; 0 never
 * @param demo whether plain GET requests for {@code /} and the few files of the demo page are
 *        answered with the page (see {@link DemoPage}); other requests still get 404
 */
public record WsSettings(ListenerSettings listener, String path, String subprotocol, List<String> allowedOrigins,
        long pingIntervalMillis, long clientTimeoutMillis, boolean demo) implements TransportSettings {

    public static final int DEFAULT_PORT = 7441;
    public static final String DEFAULT_PATH = "/aldis";
    /** The subprotocol name of Aldis protocol v1 over WebSocket, one frame per message. */
    public static final String SUBPROTOCOL = "aldis.v1";
    /** Appended to the subprotocol to name its batched form (docs/protocol.md 2.2). */
    public static final String BATCH_SUFFIX = ".batch";

    public WsSettings {
        if (listener == null) {
            throw new IllegalArgumentException("a WebSocket listener needs its listener settings");
        }
        if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must start with / and have no query, was " + path);
        }
        // Every trailing slash: "/ws//" is "/ws", as documented, not "/ws/".
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        subprotocol = subprotocol == null ? "" : subprotocol.trim();
        allowedOrigins = normalizeOrigins(allowedOrigins);
        if (pingIntervalMillis < 0 || clientTimeoutMillis < 0) {
            throw new IllegalArgumentException("pingIntervalMillis and clientTimeoutMillis must not be negative");
        }
    }

    /** Splits entries on commas and blanks (a .cfg value arrives as one string) and drops empty ones. */
    private static List<String> normalizeOrigins(List<String> origins) {
        List<String> result = new ArrayList<>();
        if (origins != null) {
            for (String entry : origins) {
                if (entry == null) {
                    continue;
                }
                for (String part : entry.split("[,\\s]+")) {
                    if (!part.isEmpty()) {
                        result.add(part);
                    }
                }
            }
        }
        return List.copyOf(result);
    }

    /** A plain-ws listener on a loopback port with the default path, subprotocol and limits, without the demo page. */
    public static WsSettings plain(String name, int port) {
        return new WsSettings(ListenerSettings.plain(name, port), DEFAULT_PATH, SUBPROTOCOL, List.of(), 20_000, 60_000,
                false);
    }

    /**
     * Settings read key by key from a listener's file, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static WsSettings from(ConfigValues c) {
        ListenerSettings listener = ListenerSettings.from(c, DEFAULT_PORT);
        WsSettings d = plain("default", DEFAULT_PORT);
        String path = c.text("path", d.path());
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw c.invalid("path", path, "must start with / and have no query or fragment");
        }
        // A blank or a control character would end or break the request line of the upgrade.
        if (path.codePoints().anyMatch(ch -> Character.isWhitespace(ch) || Character.isSpaceChar(ch)
                || Character.isISOControl(ch))) {
            throw c.invalid("path", path, "must have no blank or control character");
        }
        return new WsSettings(listener, path, c.text("subprotocol", d.subprotocol()),
                c.list("allowedOrigins", List.of()),
                c.number("pingIntervalMillis", d.pingIntervalMillis(), 0, Long.MAX_VALUE),
                c.number("clientTimeoutMillis", d.clientTimeoutMillis(), 0, Long.MAX_VALUE),
                c.flag("demo", true));
    }

    private WsSettings withListener(ListenerSettings newListener) {
        return new WsSettings(newListener, path, subprotocol, allowedOrigins, pingIntervalMillis, clientTimeoutMillis,
                demo);
    }

    public WsSettings withPort(int newPort) {
        return withListener(listener.withPort(newPort));
    }

    public WsSettings withLimits(int newMaxConnections, int newMaxFrameSize) {
        return withListener(listener.withLimits(newMaxConnections, newMaxFrameSize));
    }

    public WsSettings withTls(TlsSettings newTls) {
        return withListener(listener.withTls(newTls));
    }

    /**
     * The subprotocol under which a message carries one or more length-prefixed frames: the
     * subprotocol followed by {@value #BATCH_SUFFIX}, or the empty string when no subprotocol is
     * required (a handshake without one gets one frame per message).
     */
    public String batchSubprotocol() {
        return subprotocol.isEmpty() ? "" : subprotocol + BATCH_SUFFIX;
    }

    public WsSettings withSpinMicros(int newSpinMicros) {
        return withListener(listener.withSpinMicros(newSpinMicros));
    }

    public WsSettings withPath(String newPath) {
        return new WsSettings(listener, newPath, subprotocol, allowedOrigins, pingIntervalMillis, clientTimeoutMillis,
                demo);
    }

    public WsSettings withSubprotocol(String newSubprotocol) {
        return new WsSettings(listener, path, newSubprotocol, allowedOrigins, pingIntervalMillis, clientTimeoutMillis,
                demo);
    }

    public WsSettings withAllowedOrigins(List<String> origins) {
        return new WsSettings(listener, path, subprotocol, origins, pingIntervalMillis, clientTimeoutMillis, demo);
    }

    public WsSettings withHeartbeat(long newPingIntervalMillis, long newClientTimeoutMillis) {
        return new WsSettings(listener, path, subprotocol, allowedOrigins, newPingIntervalMillis,
                newClientTimeoutMillis, demo);
    }

    public WsSettings withDemo(boolean newDemo) {
        return new WsSettings(listener, path, subprotocol, allowedOrigins, pingIntervalMillis, clientTimeoutMillis,
                newDemo);
    }
}
