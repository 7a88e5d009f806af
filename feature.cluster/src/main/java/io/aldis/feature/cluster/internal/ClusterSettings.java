package io.aldis.feature.cluster.internal;

import io.aldis.protocol.api.QuotedText;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.transport.tls.MutualTls;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The cluster's settings in force.
 *
 * @param name           the cluster's name
 * @param secret         the shared secret (see {@link ClusterSecret} for what it protects)
 * @param members        the other members' addresses, {@code host:port}
 * @param host           the IP address this member binds and announces
 * @param port           the member port
 * @param nodeName       this node's name in listings and events
 * @param failureSeconds seconds without a heartbeat before a member is taken out
 * @param publicAddress  the host:port the other members connect to, when something between the
 *                       members (a NAT, a proxy) makes it differ from host:port; empty for host:port
 * @param linkPort       the port this member accepts the others' links for messages and calls on,
 *                       0 for any free one (announced to the others through Hazelcast)
 * @param dataPath       how messages and calls go to the other members: {@link #LINKS} or {@link #HAZELCAST}
 * @param linkTls        mutual TLS on the links, with the TCP transport's keys and meaning
 *                       ({@code clientAuth} aside: a member's certificate is always required), or
 *                       {@link TlsSettings#NONE} for links without TLS
 * @param linkContexts   the links' TLS contexts built from the stores {@code linkTls} names, or
 *                       {@code null} to build them here; settings are equal only when their stores'
 *                       bytes are too
 */
public record ClusterSettings(String name, String secret, List<String> members, String host, int port,
        String nodeName, int failureSeconds, String publicAddress, int linkPort, String dataPath,
        TlsSettings linkTls, LinkContexts linkContexts) {
    public static final String DEFAULT_NAME = "aldis";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7450;
    public static final int DEFAULT_FAILURE_SECONDS = 10;
    public static final int MIN_SECRET_LENGTH = 16;
    public static final int DEFAULT_LINK_PORT = 0;
    /** Messages and calls go over links of the members' own, in batches. */
    public static final String LINKS = "links";
    /** Messages and calls go as Hazelcast topic messages, one each. */
    public static final String HAZELCAST = "hazelcast";

    /** The keys {@link #from} reads; any other key in the file is reported as unknown. */
    static final Set<String> KEYS = Set.of("name", "secret", "members", "host", "port", "nodeName", "failureSeconds",
            "publicAddress", "linkPort", "dataPath", "clientAddresses", "tls.keyStore", "tls.keyStorePassword",
            "tls.keyStoreType", "tls.trustStore", "tls.trustStorePassword", "tls.protocols");

    private static final String HAZELCAST_WITH_TLS = "dataPath = hazelcast sends messages and calls through"
            + " Hazelcast, which has no TLS: use dataPath = links with tls.keyStore, or remove the tls. settings";
    // Four numbers of 0 to 255 (Java reads 010 as 10): 10.0.0.256 has the shape of an address but
    // no member could bind it.
    private static final Pattern IPV4 = Pattern.compile("(?:25[0-5]|2[0-4]\\d|[01]?\\d?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|[01]?\\d?\\d)){3}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public ClusterSettings {
        members = List.copyOf(members);
        nodeName = nodeName == null || nodeName.isEmpty() ? host + ":" + port : nodeName;
        publicAddress = publicAddress == null || publicAddress.isEmpty() ? host + ":" + port : publicAddress;
        if (!validAddress(publicAddress)) {
            throw new IllegalArgumentException("publicAddress must be host:port, such as 10.0.0.5:7450: "
                    + publicAddress);
        }
        if (linkPort < 0 || linkPort > 65_535) {
            throw new IllegalArgumentException("linkPort must be 0 to 65535: " + linkPort);
        }
        dataPath = dataPath == null || dataPath.isEmpty() ? LINKS : dataPath;
        if (!dataPath.equals(LINKS) && !dataPath.equals(HAZELCAST)) {
            throw new IllegalArgumentException("dataPath must be links or hazelcast: " + dataPath);
        }
        linkTls = linkTls == null ? TlsSettings.NONE : linkTls;
        if (linkTls.enabled() && dataPath.equals(HAZELCAST)) {
            throw new IllegalArgumentException(HAZELCAST_WITH_TLS);
        }
        if (linkContexts == null) {
            try {
                linkContexts = LinkContexts.of(linkTls);
            } catch (MutualTls.UnusableStore e) {
                throw new IllegalArgumentException(e.setting() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Settings whose links' TLS contexts are built from the stores {@code linkTls} names. */
    public ClusterSettings(String name, String secret, List<String> members, String host, int port,
            String nodeName, int failureSeconds, String publicAddress, int linkPort, String dataPath,
            TlsSettings linkTls) {
        this(name, secret, members, host, port, nodeName, failureSeconds, publicAddress, linkPort, dataPath, linkTls,
                null);
    }

    /** Settings with links without TLS. */
    public ClusterSettings(String name, String secret, List<String> members, String host, int port,
            String nodeName, int failureSeconds, String publicAddress, int linkPort, String dataPath) {
        this(name, secret, members, host, port, nodeName, failureSeconds, publicAddress, linkPort, dataPath,
                TlsSettings.NONE);
    }

    /** Settings with links on any free port. */
    public ClusterSettings(String name, String secret, List<String> members, String host, int port,
            String nodeName, int failureSeconds, String publicAddress) {
        this(name, secret, members, host, port, nodeName, failureSeconds, publicAddress, DEFAULT_LINK_PORT, LINKS,
                TlsSettings.NONE);
    }

    /** Whether messages and calls go over links ({@link #LINKS}). */
    public boolean links() {
        return dataPath.equals(LINKS);
    }

    /** Whether the links use TLS: a key store is set. */
    public boolean tls() {
        return linkTls.enabled();
    }

    /** The same settings with TLS on the links, for members set up in code. */
    public ClusterSettings withLinkTls(TlsSettings tls) {
        return new ClusterSettings(name, secret, members, host, port, nodeName, failureSeconds, publicAddress, linkPort,
                dataPath, tls, null);
    }

    /** The host part of {@link #publicAddress}. */
    public String publicHost() {
        return publicAddress.substring(0, publicAddress.lastIndexOf(':'));
    }

    /** Settings of a member the others reach at its own host:port. */
    public ClusterSettings(String name, String secret, List<String> members, String host, int port,
            String nodeName, int failureSeconds) {
        this(name, secret, members, host, port, nodeName, failureSeconds, "");
    }

    /**
     * Reads a configuration, naming the first bad key in a one-line error
     * ({@link io.aldis.protocol.api.spi.config.InvalidConfigurationException}).
     */
    public static ClusterSettings from(ConfigValues c) {
        String name = c.text("name", DEFAULT_NAME);
        if (!NAME.matcher(name).matches()) {
            throw c.invalid("name", name, "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        String secret = c.text("secret", "");
        if (secret.isEmpty()) {
            throw c.invalid("secret", "", "is required: set the same random text of at least "
                    + MIN_SECRET_LENGTH + " characters on every member");
        }
        if (secret.length() < MIN_SECRET_LENGTH) {
            // The value itself is never echoed into the log.
            throw c.invalid("secret", "(" + secret.length() + " characters)", "must have at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        String host = c.text("host", DEFAULT_HOST);
        if (!IPV4.matcher(host).matches()) {
            throw c.invalid("host", host, "must be an IPv4 address such as 127.0.0.1 or 10.0.0.5");
        }
        int port = c.integer("port", DEFAULT_PORT, 1, 65_535);
        List<String> members = new ArrayList<>();
        for (String m : c.list("members", List.of())) {
            String address = m.trim();
            if (address.isEmpty()) {
                continue;
            }
            if (!validAddress(address)) {
                throw c.invalid("members", address, "each member must be host:port, such as 127.0.0.1:7450");
            }
            members.add(address);
        }
        String nodeName = c.text("nodeName", "");
        if (!nodeName.isEmpty() && !NAME.matcher(nodeName).matches()) {
            throw c.invalid("nodeName", nodeName, "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        int failureSeconds = c.integer("failureSeconds", DEFAULT_FAILURE_SECONDS, 2, 600);
        String publicAddress = c.text("publicAddress", "").trim();
        if (!publicAddress.isEmpty() && !validAddress(publicAddress)) {
            throw c.invalid("publicAddress", publicAddress, "must be host:port, such as 10.0.0.5:7450, or empty for host:port");
        }
        int linkPort = c.integer("linkPort", DEFAULT_LINK_PORT, 0, 65_535);
        String dataPath = c.text("dataPath", LINKS).trim();
        if (!dataPath.equals(LINKS) && !dataPath.equals(HAZELCAST)) {
            throw c.invalid("dataPath", dataPath, "must be links (the default) or hazelcast");
        }
        TlsSettings tls = linkTls(c, dataPath);
        return new ClusterSettings(name, secret, members, host, port, nodeName, failureSeconds, publicAddress, linkPort,
                dataPath, tls, linkContexts(c, tls));
    }

    /** Reads and checks the links' TLS settings, with the TCP transport's keys. */
    private static TlsSettings linkTls(ConfigValues c, String dataPath) {
        String keyStore = c.text("tls.keyStore", "");
        String trustStore = c.text("tls.trustStore", "");
        if (keyStore.isEmpty()) {
            // A tls. key without a key store is a mistake (such as a misspelt tls.keyStore), never
            // links without TLS by surprise.
            for (String key : c.unknownKeys(Set.of())) {
                if (key.startsWith("tls.") && !c.text(key, "").isEmpty()) {
                    // The key comes from the file: it is quoted like a value, on one line. Its value
                    // is never shown: a key not known may be a password's misspelt any way.
                    String shown = QuotedText.of(key, 64);
                    throw c.invalid(shown, "(not shown)", "is set while tls.keyStore is empty, and the links run"
                            + " inside TLS only with tls.keyStore: set tls.keyStore (spelt so), or remove " + shown);
                }
            }
            return TlsSettings.NONE;
        }
        TlsSettings tls = new TlsSettings(keyStore, c.text("tls.keyStorePassword", ""),
                c.choice("tls.keyStoreType", "PKCS12", List.of("PKCS12", "JKS")), trustStore,
                c.text("tls.trustStorePassword", ""), "need", c.list("tls.protocols", TlsSettings.NONE.protocols()));
        if (trustStore.isEmpty()) {
            throw c.invalid("tls.trustStore", "", "is required with tls.keyStore: each member accepts only the members"
                    + " whose certificates its trust store holds");
        }
        if (dataPath.equals(HAZELCAST)) {
            throw c.invalid("dataPath", dataPath, "sends messages and calls through Hazelcast, which has no TLS: use"
                    + " dataPath = links with tls.keyStore, or remove the tls. settings");
        }
        for (String protocol : tls.protocols()) {
            if (!protocol.equals("TLSv1.3") && !protocol.equals("TLSv1.2")) {
                throw c.invalid("tls.protocols", String.join(",", tls.protocols()), "must be TLSv1.3, TLSv1.2 or both");
            }
        }
        return tls;
    }

    /**
     * Reads the stores the links' TLS settings name and builds their contexts, once: a store that
     * cannot be used is a rejected file rather than links that never come up, and the contexts
     * checked are the ones the links use.
     */
    private static LinkContexts linkContexts(ConfigValues c, TlsSettings tls) {
        try {
            return LinkContexts.of(tls);
        } catch (MutualTls.UnusableStore e) {
            // A password is never echoed into the log.
            Object value = e.setting().endsWith("Password") ? "(not shown)" : c.text(e.setting(), "");
            throw c.invalid(e.setting(), value, e.getMessage());
        }
    }

    private static boolean validAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return false;
        }
        try {
            int p = Integer.parseInt(address.substring(colon + 1));
            return p > 0 && p <= 65_535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Never shows the secret, so settings can be logged. */
    @Override
    public String toString() {
        return "ClusterSettings[name=" + name + ", members=" + members + ", host=" + host + ", port=" + port
                + ", nodeName=" + nodeName + ", failureSeconds=" + failureSeconds + ", publicAddress=" + publicAddress + ", linkPort=" + linkPort
                + ", dataPath=" + dataPath + ", linkTls=" + (tls() ? "on" : "off") + "]";
    }
}
