package io.aldis.feature.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Fuzzes the reading of the streaming configuration ({@link StreamingSettings#from}) with the text
 * of an {@code etc/io.aldis.feature.streaming.cfg} file. The contract: settings within the
 * documented bounds (1 to 1 024 workers, at least two cancels in a rapid-reset window, at most a
 * second for a publisher on the event loop, no negative resume window or resend budget), or one
 * {@link InvalidConfigurationException} that names the file and a key in one printable line without
 * a library's words. Nothing else escapes.
 */
class StreamingConfigFuzzTest {
    private static final String FILE = "etc/io.aldis.feature.streaming.cfg";

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
        StreamingSettings s;
        try {
            s = StreamingSettings.from(new ConfigValues(map, "io.aldis.feature.streaming"));
        } catch (InvalidConfigurationException e) {
            assertThat(e.getMessage()).startsWith(FILE + ": ").doesNotContain("Exception")
                    .doesNotContainPattern("[\\p{Cntrl}\\p{Zl}\\p{Zp}]");
            assertThat(StreamingSettings.KEYS).as("the key named in: %s", e.getMessage())
                    .anyMatch(key -> e.getMessage().startsWith(FILE + ": " + key + " = "));
            return;
        }
        assertThat(s.maxStreamsPerSession()).isPositive();
        assertThat(s.maxStreams()).isPositive();
        assertThat(s.maxHighWaterMarkItems()).isPositive();
        assertThat(s.maxHighWaterMarkBytes()).isPositive();
        assertThat(s.bytesPerTurn()).isPositive();
        assertThat(s.workerThreads()).isBetween(1, 1024);
        assertThat(s.rapidResetMaxCancels()).isGreaterThanOrEqualTo(2);
        assertThat(s.rapidResetWindowMillis()).isPositive();
        assertThat(s.resumeWindowMillis()).isNotNegative();
        assertThat(s.maxResendBytes()).isNotNegative();
        assertThat(s.publisherOnLoopMicros()).isBetween(0, 1_000_000);
    }
}
