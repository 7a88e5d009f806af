package io.aldis.feature.cluster.internal.addresses;

import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.spi.config.ConfigValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a client address is (docs/protocol.md 4.9): a URI whose scheme names the transport,
 * {@code tcp://host:port}, {@code tcps://host:port}, {@code ws://host:port/path} or
 * {@code wss://host:port/path}.
 */
public final class ClientAddressSyntax {
    /** The schemes a node announces. */
    public static final Set<String> SCHEMES = Set.of("tcp", "tcps", "ws", "wss");

    /** The setting that names this node's client addresses, when they differ from its listeners'. */
    public static final String KEY = "clientAddresses";

    private ClientAddressSyntax() {
    }

    /**
     * The {@value #KEY} setting: the addresses clients use to reach this node, comma-separated;
     * empty (the default) to announce this node's TCP listeners.
     *
     * @throws io.aldis.protocol.api.spi.config.InvalidConfigurationException naming the first bad address
     */
    public static List<String> read(ConfigValues c) {
        List<String> out = new ArrayList<>();
        for (String raw : c.list(KEY, List.of())) {
            String address = raw.trim();
            if (address.isEmpty()) {
                continue;
            }
            String problem = problem(address);
            if (problem != null) {
                throw c.invalid(KEY, address, problem);
            }
            if (!out.contains(address)) {
                out.add(address);
            }
        }
        if (out.size() > NodeAddresses.MAX_ADDRESSES) {
            throw c.invalid(KEY, out.size() + " addresses", "must name at most " + NodeAddresses.MAX_ADDRESSES);
        }
        return List.copyOf(out);
    }

    /**
     * Why {@code address} is not a client address, in the operator's words, or null when it is one.
     */
    public static String problem(String address) {
        if (!NodeAddresses.fits(address)) {
            return "is longer than " + NodeAddresses.MAX_ADDRESS_BYTES + " bytes";
        }
        if (!address.contains("://")) {
            return "must start with tcp://, tcps://, ws:// or wss://";
        }
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            // The JDK's reason ("Illegal character in scheme name") is not the operator's words; where is.
            return e.getIndex() >= 0 ? "is not a URI (at character " + (e.getIndex() + 1) + ")" : "is not a URI";
        }
        String scheme = uri.getScheme();
        if (scheme == null || !SCHEMES.contains(scheme)) {
            return "must start with tcp://, tcps://, ws:// or wss://";
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65_535) {
            return "must name a host and a port from 1 to 65535, such as " + scheme + "://10.0.0.5:"
                    + (scheme.startsWith("ws") ? "8080/aldis" : "7440");
        }
        if (scheme.startsWith("tcp") && !(uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
            return "must have no path after host:port for " + scheme;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            return "must have no user, query or fragment";
        }
        return null;
    }
}
