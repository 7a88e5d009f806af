package io.aldis.feature.rpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * The RPC configuration as an operator writes it in etc/io.aldis.feature.rpc.cfg: every bad value
 * is refused in one line that names the file, the key and the value, and only that key.
 */
class RpcSettingsConfigTest {
    private static final Pattern SHIPPED_SETTING = Pattern.compile("#([A-Za-z][\\w.]*) = ?(.*)");

    private static final String FILE = "file:/opt/aldis/etc/io.aldis.feature.rpc.cfg";

    private static Map<String, Object> file(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, FILE);
        properties.put("service.pid", RpcComponent.PID);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    private static RpcSettings read(String... keysAndValues) {
        return RpcSettings.from(new ConfigValues(file(keysAndValues), RpcComponent.PID));
    }

    @Test
    void valuesFromTheFileAreReadAndMissingKeysTakeTheirDefaults() {
        RpcSettings s = read("workerThreads", " 4 ", "unknownFields", "ignore", "defaultTimeoutMillis", "1500");
        assertThat(s.workerThreads()).isEqualTo(4);
        assertThat(s.rejectUnknownFields()).isFalse();
        assertThat(s.defaultTimeoutMillis()).isEqualTo(1500);
        assertThat(s.queueCapacity()).isEqualTo(RpcSettings.defaults().queueCapacity());
        assertThat(read()).isEqualTo(RpcSettings.defaults());
        assertThat(read("unknownFields", "reject").rejectUnknownFields()).isTrue();
    }

    @Test
    void negativeTimeoutsAndThreadCountsAreRefusedInOneLineNamingFileKeyAndValue() {
        assertThatThrownBy(() -> read("workerThreads", "0"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("etc/io.aldis.feature.rpc.cfg: workerThreads = 0: must be at least 1");
        assertThatThrownBy(() -> read("defaultTimeoutMillis", "-1"))
                .hasMessage("etc/io.aldis.feature.rpc.cfg: defaultTimeoutMillis = -1: must be at least 0");
        assertThatThrownBy(() -> read("workerSpinMicros", "-200"))
                .hasMessage("etc/io.aldis.feature.rpc.cfg: workerSpinMicros = -200: must be at least 0");
        assertThatThrownBy(() -> read("queueCapacity", "0"))
                .hasMessage("etc/io.aldis.feature.rpc.cfg: queueCapacity = 0: must be at least 1");
        assertThatThrownBy(() -> read("maxCallsPerSession", "-1"))
                .hasMessage("etc/io.aldis.feature.rpc.cfg: maxCallsPerSession = -1: must be at least 1");
        assertThatThrownBy(() -> read("maxConcurrentPerMethod", "0"))
                .hasMessage("etc/io.aldis.feature.rpc.cfg: maxConcurrentPerMethod = 0: must be at least 1");
    }

    @Test
    void textWhereANumberBelongsNamesTheKeyNotAnother() {
        assertThatThrownBy(() -> read("workerThreads", "8", "queueCapacity", "lots"))
                .hasMessage("etc/io.aldis.feature.rpc.cfg: queueCapacity = lots: not a whole number (at least 1)");
    }

    @Test
    void unknownFieldsIsRejectOrIgnoreAndNothingElse() {
        // Before, any word but "reject" silently meant "ignore", so a typo turned validation off.
        assertThatThrownBy(() -> read("unknownFields", "rejct"))
                .hasMessage("etc/io.aldis.feature.rpc.cfg: unknownFields = rejct: must be one of reject, ignore");
    }

    @Test
    void withoutAFileTheMessageNamesThePid() {
        Map<String, Object> set = Map.of("workerThreads", -4);
        assertThatThrownBy(() -> RpcSettings.from(new ConfigValues(set, RpcComponent.PID)))
                .hasMessage("io.aldis.feature.rpc: workerThreads = -4: must be at least 1");
        assertThat(RpcSettings.from(new ConfigValues(Map.of("workerThreads", 2), RpcComponent.PID)).workerThreads())
                .isEqualTo(2);
    }

    @Test
    void theComponentReadsTheSameWayAndFindsAMisspeltKey() {
        assertThat(RpcComponent.read(file("maxCallsPerSession", "12")).maxCallsPerSession()).isEqualTo(12);
        assertThatThrownBy(() -> RpcComponent.read(file("maxCallsPerSession", "-12")))
                .hasMessage("etc/io.aldis.feature.rpc.cfg: maxCallsPerSession = -12: must be at least 1");
        Map<String, Object> misspelt = file("workerThread", "4", "component.id", "7");
        assertThat(new ConfigValues(misspelt, RpcComponent.PID).unknownKeys(RpcSettings.KEYS))
                .containsExactly("workerThread");
    }

    @Test
    void theShippedFileShowsEveryKeyWithItsDefault() throws IOException {
        Map<String, Object> shipped = shippedFileUncommented("io.aldis.feature.rpc.cfg");
        assertThat(shipped.keySet()).isEqualTo(RpcSettings.KEYS);
        assertThat(RpcSettings.from(new ConfigValues(shipped, RpcComponent.PID))).isEqualTo(RpcSettings.defaults());
    }

    /** The keys and values of a shipped etc file with each commented-out {@code #key = value} line taken in. */
    private static Map<String, Object> shippedFileUncommented(String name) throws IOException {
        Path shipped = Path.of("..", "distribution", "src", "main", "resources", "assembly", "etc", name);
        Map<String, Object> properties = new HashMap<>();
        for (String line : Files.readAllLines(shipped)) {
            Matcher setting = SHIPPED_SETTING.matcher(line);
            if (setting.matches()) {
                properties.put(setting.group(1), setting.group(2));
            }
        }
        return properties;
    }
}
