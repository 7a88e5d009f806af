package io.aldis.feature.cluster.internal.addresses;

import io.aldis.protocol.api.spi.transport.Listener;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The client addresses of this node's own TCP listeners: {@code tcp://host:port}, or
 * {@code tcps://} for a listener that requires TLS. A listener bound to every interface (any
 * form of {@code 0.0.0.0} or {@code ::}, or no host) is announced at the address the node's cluster
 * member binds, which the other nodes reach. A listener bound to a loopback address is announced
 * only when the member binds a loopback address too: otherwise the other nodes' clients, on other
 * machines, would be told to dial their own machine. WebSocket listeners are not derived: the node
 * does not know the path clients use (it may sit behind a proxy), so they are named in the
 * {@code clientAddresses} setting, as are the DNS names a TLS certificate holds.
 */
public final class ListenerAddresses {
    /** An IPv4 or IPv6 literal, which {@link InetAddress#getByName} reads without asking DNS. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    private ListenerAddresses() {
    }

    /** The addresses of {@code listeners} that listen now, in their order. */
    public static List<String> of(Collection<Listener> listeners, String memberHost) {
        boolean memberOnLoopback = isLoopback(memberHost);
        List<String> out = new ArrayList<>();
        for (Listener l : listeners) {
            if (!"tcp".equals(l.transport()) || l.port() <= 0) {
                continue;
            }
            String host = unbracketed(l.host());
            InetAddress bound = literal(host);
            if (host.isEmpty() || bound != null && bound.isAnyLocalAddress()) {
                host = unbracketed(memberHost);
            } else if (isLoopback(host) && !memberOnLoopback) {
                continue;
            }
            String address = (l.secure() ? "tcps://" : "tcp://") + (host.contains(":") ? "[" + host + "]" : host)
                    + ":" + l.port();
            if (!out.contains(address)) {
                out.add(address);
            }
        }
        return out;
    }

    private static boolean isLoopback(String host) {
        String plain = unbracketed(host);
        InetAddress address = literal(plain);
        return address != null ? address.isLoopbackAddress() : plain.equalsIgnoreCase("localhost");
    }

    /** The address {@code host} is when it is an IP literal, otherwise null (a name is never looked up here). */
    private static InetAddress literal(String host) {
        if (host.isEmpty() || !IP_LITERAL.matcher(host).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException notAnAddress) {
            return null;
        }
    }

    private static String unbracketed(String host) {
        if (host == null) {
            return "";
        }
        String trimmed = host.trim();
        return trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }
}
