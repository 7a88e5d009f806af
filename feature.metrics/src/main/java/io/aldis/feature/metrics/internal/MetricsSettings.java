package io.aldis.feature.metrics.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import java.util.Set;

/**
 * The endpoint's settings in force.
 *
 * @param enabled whether the endpoint is served at all
 * @param host    the address to bind
 * @param port    the port to bind; 0 picks a free one
 * @param path    the path of the figures, starting with {@code /}
 */
public record MetricsSettings(boolean enabled, String host, int port, String path) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 7449;
    public static final String DEFAULT_PATH = "/metrics";

    /** The keys {@link #from} reads; any other key in the file is reported as unknown. */
    static final Set<String> KEYS = Set.of("enabled", "host", "port", "path");

    public MetricsSettings {
        if (host == null || path == null) {
            throw new IllegalArgumentException("the endpoint needs a host and a path");
        }
    }

    public static MetricsSettings defaults() {
        return new MetricsSettings(true, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PATH);
    }

    /** Reads a configuration, naming the first bad key in a one-line error. */
    public static MetricsSettings from(ConfigValues c) {
        MetricsSettings d = defaults();
        String path = c.text("path", d.path());
        if (!path.startsWith("/") || path.contains("?") || path.contains("#") || !servedAsWritten(path)) {
            throw c.invalid("path", path,
                    "must start with / and have no query, fragment, blank, control character or %");
        }
        return new MetricsSettings(c.flag("enabled", d.enabled()), c.text("host", d.host()),
                c.integer("port", d.port(), 0, 65_535), path);
    }

    /**
     * Whether a scraper can ask for the path as it is written: a blank or a control character would
     * end or break the request line, and the handler decodes a {@code %} escape before it compares,
     * so a path holding one is never matched.
     */
    private static boolean servedAsWritten(String path) {
        return path.codePoints().noneMatch(ch -> ch == '%' || Character.isWhitespace(ch) || Character.isSpaceChar(ch)
                || Character.isISOControl(ch));
    }

    /** The same settings on another port; tests bind port 0 and ask the server which it got. */
    public MetricsSettings withPort(int newPort) {
        return new MetricsSettings(enabled, host, newPort, path);
    }
}
