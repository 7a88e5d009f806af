package io.aldis.transport.tcp.internal;

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
 * Fuzzes the reading of a TCP listener's configuration ({@link TcpSettings#from}, which is the
 * reading every listener shares: {@link ListenerSettings#from}) with the text of an
 * {@code etc/io.aldis.transport.tcp-<name>.cfg} file. The contract: settings within the listener's
 * bounds (a port of 0 to 65 535, at least one connection, frames of at least 64 bytes, no negative
 * thread count or spin) whose TLS fields hold one of their words, or one
 * {@link InvalidConfigurationException} that names the file and a key in one printable line without
 * a library's words. Nothing else escapes: {@link ListenerSettings}' constructor throws plain
 * {@link IllegalArgumentException}s, which the reading must never reach.
 */
class TcpConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.transport.tcp-default.cfg";
    /** The keys ListenerSettings.from reads. */
    static final Set<String> KEYS = Set.of("name", "host", "port", "maxConnections", "maxFrameSize", "ioThreads",
            "spinMicros", "tls.keyStore", "tls.keyStorePassword", "tls.keyStoreType", "tls.trustStore",
            "tls.trustStorePassword", "tls.clientAuth", "tls.protocols");

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
        TcpSettings s;
        try {
            s = TcpSettings.from(new ConfigValues(map, "io.aldis.transport.tcp"));
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
    }
}
