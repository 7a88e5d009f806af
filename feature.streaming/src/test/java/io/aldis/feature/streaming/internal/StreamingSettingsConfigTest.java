package io.aldis.feature.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The streaming configuration as an operator writes it in etc/io.aldis.feature.streaming.cfg: every
 * bad value is refused in one line that names the file, the key and the value.
 */
class StreamingSettingsConfigTest {
    private static final Pattern SHIPPED_SETTING = Pattern.compile("#([A-Za-z][\\w.]*) = ?(.*)");
    private static final String FILE = "file:/opt/aldis/etc/io.aldis.feature.streaming.cfg";

    private static Map<String, Object> file(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, FILE);
        properties.put("service.pid", StreamingComponent.PID);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static StreamingSettings read(String... keysAndValues) {
        return StreamingComponent.read(file(keysAndValues));
    }

    @Test
    void valuesFromTheFileAreReadAndMissingKeysTakeTheirDefaults() {
        StreamingSettings s = read("maxStreamsPerSession", " 3 ", "bytesPerTurn", "4096",
                "maxHighWaterMarkBytes", "1048576");
        assertThat(s.maxStreamsPerSession()).isEqualTo(3);
        assertThat(s.bytesPerTurn()).isEqualTo(4096);
        assertThat(s.maxHighWaterMark(CreditMode.BYTES)).isEqualTo(1048576);
        assertThat(s.maxHighWaterMark(CreditMode.CUSTOM)).isEqualTo(1048576);
        assertThat(s.maxHighWaterMark(CreditMode.ITEMS)).isEqualTo(StreamingSettings.defaults().maxHighWaterMarkItems());
        assertThat(read()).isEqualTo(StreamingSettings.defaults());
    }

    @Test
    void badValuesAreRefusedInOneLineNamingFileKeyAndValue() {
        assertThatThrownBy(() -> read("maxStreams", "0")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("etc/io.aldis.feature.streaming.cfg: maxStreams = 0: must be at least 1");
        assertThatThrownBy(() -> read("bytesPerTurn", "-1"))
                .hasMessage("etc/io.aldis.feature.streaming.cfg: bytesPerTurn = -1: must be at least 1");
        assertThatThrownBy(() -> read("rapidResetMaxCancels", "1"))
                .hasMessage("etc/io.aldis.feature.streaming.cfg: rapidResetMaxCancels = 1: must be at least 2");
        assertThatThrownBy(() -> read("workerThreads", "5000"))
                .hasMessage("etc/io.aldis.feature.streaming.cfg: workerThreads = 5000: must be 1..1024");
        assertThatThrownBy(() -> read("maxStreamsPerSession", "many"))
                .hasMessage("etc/io.aldis.feature.streaming.cfg: maxStreamsPerSession = many: not a whole number "
                        + "(at least 1)");
    }

    @Test
    void aMisspeltKeyIsFound() {
        Map<String, Object> misspelt = file("maxStream", "4", "component.id", "7");
        assertThat(new ConfigValues(misspelt, StreamingComponent.PID).unknownKeys(StreamingSettings.KEYS))
                .containsExactly("maxStream");
    }

    @Test
    void theShippedFileShowsEveryKeyWithItsDefault() throws IOException {
        Path shipped = Path.of("..", "distribution", "src", "main", "resources", "assembly", "etc",
                "io.aldis.feature.streaming.cfg");
        Map<String, Object> properties = new HashMap<>();
        for (String line : Files.readAllLines(shipped)) {
            Matcher setting = SHIPPED_SETTING.matcher(line);
            if (setting.matches()) {
                properties.put(setting.group(1), setting.group(2));
            }
        }
        assertThat(properties.keySet()).isEqualTo(StreamingSettings.KEYS);
        assertThat(StreamingSettings.from(new ConfigValues(properties, StreamingComponent.PID)))
                .isEqualTo(StreamingSettings.defaults());
    }
}
