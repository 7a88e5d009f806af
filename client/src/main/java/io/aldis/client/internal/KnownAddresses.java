package io.aldis.client.internal;

import io.aldis.protocol.api.NodeAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The node addresses a client knows: the ones it was given, which it keeps whatever happens, then
 * those its node told it of in NODE_ADDRESSES (docs/protocol.md 4.9), which each new list replaces.
 * Only addresses the client can dial are learned: {@code tcp://} without TLS, {@code tcps://}
 * with it; every other scheme and any address it cannot read are ignored, and so is an address of
 * the node the client is connected to under another name than the one it dialled (the node lists
 * itself, perhaps by IP address where the client was given a host name). Thread-safe.
 */
final class KnownAddresses {
    /** Four dotted numbers, or anything with a colon (IPv6): spelled IP addresses, read without DNS. */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.%]*:[0-9A-Fa-f:.%]*");
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
     * @param inUse the address the client dialled to reach the node that sent it
     * @param node  where that connection really goes (its resolved remote address), or null when not known
     * @return whether the known addresses changed
     */
    synchronized boolean learn(List<String> uris, ClientConfig.Address inUse, SocketAddress node) {
        Set<ClientConfig.Address> next = new LinkedHashSet<>(given);
        int learned = 0;
        for (String uri : uris) {
            ClientConfig.Address address = parse(uri);
            if (address == null || !address.equals(inUse) && isTheNode(address, node)) {
                continue;
            }
            if (learned < NodeAddresses.MAX_ADDRESSES && next.add(address)) {
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

    /** Whether {@code address} names the node at {@code node}: the same port, and its name or IP address. */
    private static boolean isTheNode(ClientConfig.Address address, SocketAddress node) {
        if (!(node instanceof InetSocketAddress remote) || remote.getPort() != address.port()) {
            return false;
        }
        if (address.host().equalsIgnoreCase(remote.getHostString())) {
            return true;
        }
        InetAddress literal = ipLiteral(address.host());
        return literal != null && literal.equals(remote.getAddress());
    }

    /** The IP address {@code host} spells, or null when it is a name (never looked up: this runs on the event loop). */
    private static InetAddress ipLiteral(String host) {
        if (!IP_LITERAL.matcher(host).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException | SecurityException notAnAddress) {
            return null;
        }
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
