package io.aldis.feature.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Fuzzes the reading of the metrics endpoint's configuration ({@link MetricsSettings#from}) with
 * the text of an {@code etc/io.aldis.metrics.cfg} file. The contract: settings with a port of 0 to
 * 65 535 and a path that a scraper can ask for as it is written, which is what the operator copies
 * into the scraper's configuration: it starts with {@code /}, fits in an HTTP request line (no
 * blank or control character) and is the path the endpoint's handler decodes from that request
 * line ({@link QueryStringDecoder}, as {@code ScrapeHandler} does); or one
 * {@link InvalidConfigurationException} that names the file and a key in one printable line without
 * a library's words. Nothing else escapes.
 */
class MetricsConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.metrics.cfg";

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
        MetricsSettings s;
        try {
            s = MetricsSettings.from(new ConfigValues(map, "io.aldis.metrics"));
        } catch (InvalidConfigurationException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("Exception")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            assertThat(MetricsSettings.KEYS).as("the key named in: %s", e.getMessage())
                    .anyMatch(key -> e.getMessage().startsWith(FILE + ": " + key + " = "));
            return;
        }
        assertThat(s.port()).isBetween(0, 65_535);
        assertThat(s.host()).isNotBlank();
        assertThat(s.path()).startsWith("/").doesNotContainPattern("[\\s\\p{Cntrl}\\p{Z}]");
        assertThat(new QueryStringDecoder(s.path()).path()).as("the path a request for %s asks for", s.path())
                .isEqualTo(s.path());
    }
}
