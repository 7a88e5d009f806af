package io.aldis.transport.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.internal.ListenerSettings;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Fuzzes the reading of a WebSocket listener's configuration ({@link WsSettings#from}: the keys
 * every listener has, {@link ListenerSettings#from}, then the WebSocket's own) with the text of an
 * {@code etc/io.aldis.transport.ws-<name>.cfg} file. The contract: settings within the listener's
 * bounds, whose TLS fields hold one of their words, whose path a browser can ask for as it is
 * written (it starts with {@code /}, has no query or fragment, and fits in an HTTP request line: no
 * blank or control character), with no empty origin and no negative ping interval or client
 * timeout; or one {@link InvalidConfigurationException} that names the file and a key in one
 * printable line without a library's words. Nothing else escapes.
 */
class WsConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.transport.ws-default.cfg";
    /** The keys ListenerSettings.from and WsSettings.from read. */
    static final Set<String> KEYS = Set.of("name", "host", "port", "maxConnections", "maxFrameSize", "ioThreads",
            "spinMicros", "tls.keyStore", "tls.keyStorePassword", "tls.keyStoreType", "tls.trustStore",
            "tls.trustStorePassword", "tls.clientAuth", "tls.protocols", "path", "subprotocol", "allowedOrigins",
            "pingIntervalMillis", "clientTimeoutMillis", "demo");

    @FuzzTest
    void settingsOrOneLineNamingTheKey(byte[] file) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(file, StandardCharsets.ISO_8859_1)));
        } catch (IllegalArgumentException malformedEscape) {
            return; // not a configuration file Config Admin would read either
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> map = new HashMap<>();
        properties.forEach((k, v) -> map.put((String) k, v));
        map.put(ConfigValues.FILE_PROPERTY, "/opt/aldis/" + FILE);
        WsSettings s;
        try {
            s = WsSettings.from(new ConfigValues(map, "io.aldis.transport.ws"));
        } catch (InvalidConfigurationException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("Exception")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            assertThat(KEYS).as("the key named in: %s", e.getMessage())
                    .anyMatch(key -> e.getMessage().startsWith(FILE + ": " + key + " = "));
            return;
        }
        ListenerSettings l = s.listener();
        assertThat(l.name()).isNotBlank();
        assertThat(l.host()).isNotBlank();
        assertThat(l.port()).isBetween(0, 65_535);
        assertThat(l.maxConnections()).isPositive();
        assertThat(l.maxFrameSize()).isGreaterThanOrEqualTo(ListenerSettings.MIN_FRAME_SIZE);
        assertThat(l.ioThreads()).isNotNegative();
        assertThat(l.spinMicros()).isNotNegative();
        TlsSettings tls = l.tls();
        assertThat(tls.keyStoreType()).isIn("PKCS12", "JKS");
        assertThat(tls.clientAuth()).isIn("none", "want", "need");
        assertThat(tls.protocols()).isNotEmpty().noneMatch(String::isBlank);
        assertThat(s.path()).startsWith("/").doesNotContain("?", "#")
                .doesNotContainPattern("[\\s\\p{Cntrl}\\p{Z}]");
        assertThat(s.path().length() == 1 || !s.path().endsWith("/")).as("no trailing / in %s", s.path()).isTrue();
        assertThat(s.allowedOrigins()).noneMatch(String::isEmpty);
        assertThat(s.pingIntervalMillis()).isNotNegative();
        assertThat(s.clientTimeoutMillis()).isNotNegative();
    }
}
