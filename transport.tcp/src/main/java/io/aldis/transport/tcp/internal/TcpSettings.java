package io.aldis.transport.tcp.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.ListenerRunner;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import io.aldis.protocol.api.spin.SpinWindow;
import java.util.List;

/** A TCP listener's settings as plain values, so a listener can run without OSGi. */
public record TcpSettings(String name, String host, int port, int maxConnections, int maxFrameSize, int ioThreads,
        int spinMicros, TlsSettings tls) implements ListenerRunner.Settings {

    /**
     * Default connections per listener. Each costs a file descriptor: the distribution's launcher
     * raises the open-file limit to the system's hard limit (20 000 on a stock Debian), and the two
     * default listeners at 8 000 each leave 4 000 for the node's own jars, logs, ssh and JMX.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 8_000;

    public TcpSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxFrameSize < 64) {
            throw new IllegalArgumentException("maxFrameSize must be at least 64 bytes");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (spinMicros < 0) {
            throw new IllegalArgumentException("spinMicros cannot be negative (0 turns spinning off)");
        }
    }

    /** A plain-TCP listener on a loopback port with default limits. */
    public static TcpSettings plain(String name, int port) {
        return new TcpSettings(name, "127.0.0.1", port, DEFAULT_MAX_CONNECTIONS, 1_048_576, 0, SpinWindow.DEFAULT_CAP_MICROS, TlsSettings.NONE);
    }

    /** The same listener with TLS. */
    public TcpSettings withTls(TlsSettings newTls) {
        return new TcpSettings(name, host, port, maxConnections, maxFrameSize, ioThreads, spinMicros, newTls);
    }

    /**
     * Settings read key by key from a listener's file, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static TcpSettings from(ConfigValues c) {
        TcpSettings d = plain("default", 7440);
        int max = Integer.MAX_VALUE;
        TlsSettings tls = new TlsSettings(c.text("tls.keyStore", ""), c.text("tls.keyStorePassword", ""),
                c.choice("tls.keyStoreType", "PKCS12", List.of("PKCS12", "JKS")), c.text("tls.trustStore", ""),
                c.text("tls.trustStorePassword", ""), c.choice("tls.clientAuth", "none", List.of("none", "want", "need")),
                c.list("tls.protocols", TlsSettings.NONE.protocols()));
        return new TcpSettings(c.text("name", d.name()), c.text("host", d.host()),
                c.integer("port", d.port(), 0, 65_535),
                c.integer("maxConnections", d.maxConnections(), 1, max),
                c.integer("maxFrameSize", d.maxFrameSize(), 64, max),
                c.integer("ioThreads", d.ioThreads(), 0, max),
                c.integer("spinMicros", d.spinMicros(), 0, max),
                tls);
    }

    /** Settings read from a DS configuration. */
    public static TcpSettings from(TcpListenerConfig c) {
        return new TcpSettings(c.name(), c.host(), c.port(), c.maxConnections(), c.maxFrameSize(), c.ioThreads(),
                c.spinMicros(),
                new TlsSettings(c.tls_keyStore(), c.tls_keyStorePassword(), c.tls_keyStoreType(), c.tls_trustStore(),
                        c.tls_trustStorePassword(), c.tls_clientAuth(), List.of(c.tls_protocols())));
    }
}
