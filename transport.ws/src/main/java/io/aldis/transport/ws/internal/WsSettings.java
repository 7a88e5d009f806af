package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.ListenerRunner;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import io.aldis.protocol.api.spin.SpinWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebSocket listener's settings as plain values, so a listener can run without OSGi.
 *
 * @param subprotocol the subprotocol a client must offer, or the empty string to accept
 *        handshakes without one (only the conformance echo server does that)
 * @param allowedOrigins empty: no Origin header or a same-host origin; otherwise the exact
 *        origins allowed, or {@code *} for any
 * @param demo whether plain GET requests for {@code /} and the few files of the demo page are
 *        answered with the page (see {@link DemoPage}); other requests still get 404
 */
public record WsSettings(String name, String host, int port, String path, String subprotocol,
        List<String> allowedOrigins, int maxConnections, int maxFrameSize, long pingIntervalMillis,
        long clientTimeoutMillis, int ioThreads, int spinMicros, TlsSettings tls, boolean demo)
        implements ListenerRunner.Settings {

    public static final int DEFAULT_PORT = 7441;
    /** Default connections per listener; see the TCP listener's for how it relates to the open-file limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 8_000;
    public static final String DEFAULT_PATH = "/aldis";
    /** The subprotocol name of Aldis protocol v1 over WebSocket. */
    public static final String SUBPROTOCOL = "aldis.v1";

    public WsSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw new IllegalArgumentException("path must start with / and have no query, was " + path);
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        subprotocol = subprotocol == null ? "" : subprotocol.trim();
        allowedOrigins = normalizeOrigins(allowedOrigins);
        if (maxFrameSize < 64) {
            throw new IllegalArgumentException("maxFrameSize must be at least 64 bytes");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (spinMicros < 0) {
            throw new IllegalArgumentException("spinMicros cannot be negative (0 turns spinning off)");
        }
        if (pingIntervalMillis < 0 || clientTimeoutMillis < 0) {
            throw new IllegalArgumentException("pingIntervalMillis and clientTimeoutMillis must not be negative");
        }
        if (tls == null) {
            tls = TlsSettings.NONE;
        }
    }

    /** Splits entries on commas and blanks (a .cfg value arrives as one string) and drops empty ones. */
    private static List<String> normalizeOrigins(List<String> origins) {
        List<String> result = new ArrayList<>();
        if (origins != null) {
            for (String entry : origins) {
                if (entry == null) {
                    continue;
                }
                for (String part : entry.split("[,\\s]+")) {
                    if (!part.isEmpty()) {
                        result.add(part);
                    }
                }
            }
        }
        return List.copyOf(result);
    }

    /** A plain-ws listener on a loopback port with the default path, subprotocol and limits, without the demo page. */
    public static WsSettings plain(String name, int port) {
        return new WsSettings(name, "127.0.0.1", port, DEFAULT_PATH, SUBPROTOCOL, List.of(), DEFAULT_MAX_CONNECTIONS, 1_048_576,
                20_000, 60_000, 0, SpinWindow.DEFAULT_CAP_MICROS, TlsSettings.NONE, false);
    }

    /**
     * Settings read key by key from a listener's file, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static WsSettings from(ConfigValues c) {
        WsSettings d = plain("default", DEFAULT_PORT);
        int max = Integer.MAX_VALUE;
        TlsSettings tls = new TlsSettings(c.text("tls.keyStore", ""), c.text("tls.keyStorePassword", ""),
                c.choice("tls.keyStoreType", "PKCS12", List.of("PKCS12", "JKS")), c.text("tls.trustStore", ""),
                c.text("tls.trustStorePassword", ""), c.choice("tls.clientAuth", "none", List.of("none", "want", "need")),
                c.list("tls.protocols", TlsSettings.NONE.protocols()));
        String path = c.text("path", d.path());
        if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
            throw c.invalid("path", path, "must start with / and have no query or fragment");
        }
        return new WsSettings(c.text("name", d.name()), c.text("host", d.host()),
                c.integer("port", d.port(), 0, 65_535), path, c.text("subprotocol", d.subprotocol()),
                c.list("allowedOrigins", List.of()),
                c.integer("maxConnections", d.maxConnections(), 1, max),
                c.integer("maxFrameSize", d.maxFrameSize(), 64, max),
                c.number("pingIntervalMillis", d.pingIntervalMillis(), 0, Long.MAX_VALUE),
                c.number("clientTimeoutMillis", d.clientTimeoutMillis(), 0, Long.MAX_VALUE),
                c.integer("ioThreads", d.ioThreads(), 0, max),
                c.integer("spinMicros", d.spinMicros(), 0, max),
                tls, c.flag("demo", true));
    }

    /** Settings read from a DS configuration. */
    public static WsSettings from(WsListenerConfig c) {
        return new WsSettings(c.name(), c.host(), c.port(), c.path(), c.subprotocol(), List.of(c.allowedOrigins()),
                c.maxConnections(), c.maxFrameSize(), c.pingIntervalMillis(), c.clientTimeoutMillis(), c.ioThreads(),
                c.spinMicros(),
                new TlsSettings(c.tls_keyStore(), c.tls_keyStorePassword(), c.tls_keyStoreType(), c.tls_trustStore(),
                        c.tls_trustStorePassword(), c.tls_clientAuth(), List.of(c.tls_protocols())), c.demo());
    }

    public WsSettings withPort(int newPort) {
        return new WsSettings(name, host, newPort, path, subprotocol, allowedOrigins, maxConnections, maxFrameSize,
                pingIntervalMillis, clientTimeoutMillis, ioThreads, spinMicros, tls, demo);
    }

    public WsSettings withPath(String newPath) {
        return new WsSettings(name, host, port, newPath, subprotocol, allowedOrigins, maxConnections, maxFrameSize,
                pingIntervalMillis, clientTimeoutMillis, ioThreads, spinMicros, tls, demo);
    }

    public WsSettings withSubprotocol(String newSubprotocol) {
        return new WsSettings(name, host, port, path, newSubprotocol, allowedOrigins, maxConnections, maxFrameSize,
                pingIntervalMillis, clientTimeoutMillis, ioThreads, spinMicros, tls, demo);
    }

    public WsSettings withAllowedOrigins(List<String> origins) {
        return new WsSettings(name, host, port, path, subprotocol, origins, maxConnections, maxFrameSize,
                pingIntervalMillis, clientTimeoutMillis, ioThreads, spinMicros, tls, demo);
    }

    public WsSettings withLimits(int newMaxConnections, int newMaxFrameSize) {
        return new WsSettings(name, host, port, path, subprotocol, allowedOrigins, newMaxConnections, newMaxFrameSize,
                pingIntervalMillis, clientTimeoutMillis, ioThreads, spinMicros, tls, demo);
    }

    public WsSettings withHeartbeat(long newPingIntervalMillis, long newClientTimeoutMillis) {
        return new WsSettings(name, host, port, path, subprotocol, allowedOrigins, maxConnections, maxFrameSize,
                newPingIntervalMillis, newClientTimeoutMillis, ioThreads, spinMicros, tls, demo);
    }

    public WsSettings withTls(TlsSettings newTls) {
        return new WsSettings(name, host, port, path, subprotocol, allowedOrigins, maxConnections, maxFrameSize,
                pingIntervalMillis, clientTimeoutMillis, ioThreads, spinMicros, newTls, demo);
    }

    public WsSettings withDemo(boolean newDemo) {
        return new WsSettings(name, host, port, path, subprotocol, allowedOrigins, maxConnections, maxFrameSize,
                pingIntervalMillis, clientTimeoutMillis, ioThreads, spinMicros, tls, newDemo);
    }

    public WsSettings withSpinMicros(int newSpinMicros) {
        return new WsSettings(name, host, port, path, subprotocol, allowedOrigins, maxConnections, maxFrameSize,
                pingIntervalMillis, clientTimeoutMillis, ioThreads, newSpinMicros, tls, demo);
    }
}
