package io.aldis.feature.cluster.internal.addresses;

import io.aldis.protocol.api.spi.transport.Listener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The client addresses of this node's own TCP listeners: {@code tcp://host:port}, or
 * {@code tcps://} for a listener that requires TLS. A listener bound to every interface
 * ({@code 0.0.0.0}, {@code ::}) is announced at the address the node's cluster member binds, which
 * the other nodes reach. WebSocket listeners are not derived: the node does not know the path
 * clients use (it may sit behind a proxy), so they are named in the {@code clientAddresses} setting.
 */
public final class ListenerAddresses {
    private ListenerAddresses() {
    }

    /** The addresses of {@code listeners} that listen now, in their order. */
    public static List<String> of(Collection<Listener> listeners, String memberHost) {
        List<String> out = new ArrayList<>();
        for (Listener l : listeners) {
            if (!"tcp".equals(l.transport()) || l.port() <= 0) {
                continue;
            }
            String host = l.host();
            if (host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                host = memberHost;
            } else if (host.contains(":") && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            String address = (l.secure() ? "tcps://" : "tcp://") + host + ":" + l.port();
            if (!out.contains(address)) {
                out.add(address);
            }
        }
        return out;
    }
}
