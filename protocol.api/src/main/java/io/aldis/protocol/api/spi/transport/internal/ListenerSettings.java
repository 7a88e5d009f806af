package io.aldis.protocol.api.spi.transport.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import io.aldis.protocol.api.spin.SpinWindow;
import java.util.List;

/**
 * The settings every listener has, whatever its transport, as plain validated values; a
 * transport's own settings add its keys to these (see {@link TransportSettings}).
 *
 * @param name           the listener's name, as operators see it
 * @param host           the address to bind
 * @param port           the port to bind; 0 picks a free one
 * @param maxConnections connections accepted at once
 * @param maxFrameSize   the largest frame accepted, in bytes
 * @param ioThreads      network threads; 0 for Netty's default of two per processor
 * @param spinMicros     the cap of the network threads' {@link SpinWindow}; 0 never spins
 * @param tls            TLS, or {@link TlsSettings#NONE}
 */
public record ListenerSettings(String name, String host, int port, int maxConnections, int maxFrameSize,
        int ioThreads, int spinMicros, TlsSettings tls) {

    /**
     * Default connections per listener. Each costs a file descriptor: the distribution's launcher
     * raises the open-file limit to the system's hard limit (20 000 on a stock Debian), and the two
     * default listeners at 8 000 each leave 4 000 for the node's own jars, logs, ssh and JMX.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 8_000;
    /** The maximum frame size a node uses unless configured otherwise (protocol section 4.3). */
    public static final int DEFAULT_MAX_FRAME_SIZE = 1_048_576;
    /** The smallest maximum frame size a listener accepts: room for any frame header. */
    public static final int MIN_FRAME_SIZE = 64;

    public ListenerSettings {
        if (name == null || host == null) {
            throw new IllegalArgumentException("a listener needs a name and a host");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (maxFrameSize < MIN_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be at least " + MIN_FRAME_SIZE + " bytes");
        }
        if (ioThreads < 0) {
            throw new IllegalArgumentException("ioThreads cannot be negative (0 takes Netty's default)");
        }
        if (spinMicros < 0) {
            throw new IllegalArgumentException("spinMicros cannot be negative (0 turns spinning off)");
        }
        if (tls == null) {
            tls = TlsSettings.NONE;
        }
    }

    /** A plain listener on a loopback port with the default limits. */
    public static ListenerSettings plain(String name, int port) {
        return new ListenerSettings(name, "127.0.0.1", port, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_FRAME_SIZE, 0,
                SpinWindow.DEFAULT_CAP_MICROS, TlsSettings.NONE);
    }

    /**
     * The common keys read one by one from a listener's file, each missing key taking its default
     * (name {@code default} on loopback, {@code defaultPort}, the default limits, no TLS).
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static ListenerSettings from(ConfigValues c, int defaultPort) {
        ListenerSettings d = plain("default", defaultPort);
        int max = Integer.MAX_VALUE;
        TlsSettings tls = new TlsSettings(c.text("tls.keyStore", ""), c.text("tls.keyStorePassword", ""),
                c.choice("tls.keyStoreType", "PKCS12", List.of("PKCS12", "JKS")), c.text("tls.trustStore", ""),
                c.text("tls.trustStorePassword", ""), c.choice("tls.clientAuth", "none", List.of("none", "want", "need")),
                c.list("tls.protocols", TlsSettings.NONE.protocols()));
        return new ListenerSettings(c.text("name", d.name()), c.text("host", d.host()),
                c.integer("port", d.port(), 0, 65_535),
                c.integer("maxConnections", d.maxConnections(), 1, max),
                c.integer("maxFrameSize", d.maxFrameSize(), MIN_FRAME_SIZE, max),
                c.integer("ioThreads", d.ioThreads(), 0, max),
                c.integer("spinMicros", d.spinMicros(), 0, max),
                tls);
    }

    /**
     * Whether a listener running with these settings can take {@code other} without binding a new
     * socket: the address and the TLS material are the same. Other changes reach new connections.
     */
    public boolean sameSocket(ListenerSettings other) {
        return host.equals(other.host) && port == other.port && tls.equals(other.tls);
    }

    public ListenerSettings withPort(int newPort) {
        return new ListenerSettings(name, host, newPort, maxConnections, maxFrameSize, ioThreads, spinMicros, tls);
    }

    public ListenerSettings withLimits(int newMaxConnections, int newMaxFrameSize) {
        return new ListenerSettings(name, host, port, newMaxConnections, newMaxFrameSize, ioThreads, spinMicros, tls);
    }

    public ListenerSettings withSpinMicros(int newSpinMicros) {
        return new ListenerSettings(name, host, port, maxConnections, maxFrameSize, ioThreads, newSpinMicros, tls);
    }

    public ListenerSettings withTls(TlsSettings newTls) {
        return new ListenerSettings(name, host, port, maxConnections, maxFrameSize, ioThreads, spinMicros, newTls);
    }
}
