package io.aldis.client.internal;

import io.aldis.protocol.api.NodeAddresses;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The node addresses a client knows: the ones it was given, which it keeps whatever happens, then
 * those its node told it of in NODE_ADDRESSES (docs/protocol.md 4.9), which each new list replaces.
 * Only addresses the client can dial are learned: {@code tcp://} without TLS, {@code tcps://}
 * with it; every other scheme and any address it cannot read are ignored. Thread-safe.
 */
final class KnownAddresses {
    private final List<ClientConfig.Address> given;
    private final String scheme;
    private volatile List<ClientConfig.Address> all;

    KnownAddresses(List<ClientConfig.Address> given, boolean tls) {
        this.given = List.copyOf(given);
        this.scheme = tls ? "tcps" : "tcp";
        this.all = this.given;
    }

    /** The addresses given, then the learned ones not among them; never empty. */
    List<ClientConfig.Address> all() {
        return all;
    }

    /**
     * Takes the list a node sent.
     *
     * @return whether the known addresses changed
     */
    synchronized boolean learn(List<String> uris) {
        Set<ClientConfig.Address> next = new LinkedHashSet<>(given);
        int learned = 0;
        for (String uri : uris) {
            ClientConfig.Address address = parse(uri);
            if (address != null && learned < NodeAddresses.MAX_ADDRESSES && next.add(address)) {
                learned++;
            }
        }
        List<ClientConfig.Address> list = List.copyOf(new ArrayList<>(next));
        if (list.equals(all)) {
            return false;
        }
        all = list;
        return true;
    }

    /** The address {@code uri} names when the client can dial it, otherwise null. */
    private ClientConfig.Address parse(String uri) {
        try {
            URI parsed = new URI(uri);
            String host = parsed.getHost();
            int port = parsed.getPort();
            if (!scheme.equals(parsed.getScheme()) || host == null || host.isEmpty() || port < 1 || port > 65_535) {
                return null;
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new ClientConfig.Address(host, port);
        } catch (URISyntaxException unreadable) {
            return null;
        }
    }
}
