package io.aldis.transport.tcp.internal;

import io.aldis.spi.transport.SpinWindow;
import io.aldis.spi.transport.tls.TlsSettings;
import java.util.List;

/** A TCP listener's settings as plain values, so a listener can run without OSGi. */
public record TcpSettings(String name, String host, int port, int maxConnections, int maxFrameSize, int ioThreads,
        int spinMicros, TlsSettings tls) {

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
        return new TcpSettings(name, "127.0.0.1", port, 10_000, 1_048_576, 0, SpinWindow.DEFAULT_CAP_MICROS, TlsSettings.NONE);
    }

    /** The same listener with TLS. */
    public TcpSettings withTls(TlsSettings newTls) {
        return new TcpSettings(name, host, port, maxConnections, maxFrameSize, ioThreads, spinMicros, newTls);
    }

    /** Settings read from a DS configuration. */
    public static TcpSettings from(TcpListenerConfig c) {
        return new TcpSettings(c.name(), c.host(), c.port(), c.maxConnections(), c.maxFrameSize(), c.ioThreads(),
                c.spinMicros(),
                new TlsSettings(c.tls_keyStore(), c.tls_keyStorePassword(), c.tls_keyStoreType(), c.tls_trustStore(),
                        c.tls_trustStorePassword(), c.tls_clientAuth(), List.of(c.tls_protocols())));
    }
}
