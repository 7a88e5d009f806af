package io.aldis.transport.tcp.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.internal.ListenerSettings;
import io.aldis.protocol.api.spi.transport.internal.TransportSettings;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;

/**
 * A TCP listener's settings as plain values, so a listener can run without OSGi. TCP has no keys
 * beyond those every listener has; only its default port is its own.
 */
public record TcpSettings(ListenerSettings listener) implements TransportSettings {
    public static final int DEFAULT_PORT = 7440;

    public TcpSettings {
        if (listener == null) {
            throw new IllegalArgumentException("a TCP listener needs its listener settings");
        }
    }

    public TcpSettings(String name, String host, int port, int maxConnections, int maxFrameSize, int ioThreads,
            int spinMicros, TlsSettings tls) {
        this(new ListenerSettings(name, host, port, maxConnections, maxFrameSize, ioThreads, spinMicros, tls));
    }

    /** A plain-TCP listener on a loopback port with default limits. */
    public static TcpSettings plain(String name, int port) {
        return new TcpSettings(ListenerSettings.plain(name, port));
    }

    /** The same listener with TLS. */
    public TcpSettings withTls(TlsSettings newTls) {
        return new TcpSettings(listener.withTls(newTls));
    }

    /**
     * Settings read key by key from a listener's file, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static TcpSettings from(ConfigValues c) {
        return new TcpSettings(ListenerSettings.from(c, DEFAULT_PORT));
    }
}
