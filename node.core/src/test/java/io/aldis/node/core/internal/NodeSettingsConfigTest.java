package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The node's configuration as an operator writes it in etc/io.aldis.node.cfg: every bad value is
 * refused in one line that names the file, the key and the value, and only that key.
 */
class NodeSettingsConfigTest {
    private static final String FILE = "file:/opt/aldis/etc/io.aldis.node.cfg";

    private static NodeSettings read(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, FILE);
        properties.put("service.pid", "io.aldis.node");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return NodeSettings.from(new ConfigValues(properties, "io.aldis.node"));
    }

    @Test
    void valuesFromTheFileAreReadAndMissingKeysTakeTheirDefaults() {
        NodeSettings s = read("name", " edge-1 ", "authTimeoutMillis", "2500", "workerThreads", "4");
        assertThat(s.name()).isEqualTo("edge-1");
        assertThat(s.authTimeoutMillis()).isEqualTo(2500);
        assertThat(s.workerThreads()).isEqualTo(4);
        assertThat(s.heartbeatIntervalMillis()).isEqualTo(NodeSettings.defaults().heartbeatIntervalMillis());
        assertThat(read()).isEqualTo(NodeSettings.defaults());
    }

    @Test
    void negativeTimeoutsAndThreadCountsAreRefusedInOneLineNamingFileKeyAndValue() {
        assertThatThrownBy(() -> read("authTimeoutMillis", "-10"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("etc/io.aldis.node.cfg: authTimeoutMillis = -10: must be at least 1");
        assertThatThrownBy(() -> read("closeTimeoutMillis", "-1"))
                .hasMessage("etc/io.aldis.node.cfg: closeTimeoutMillis = -1: must be at least 0");
        assertThatThrownBy(() -> read("workerThreads", "-2"))
                .hasMessage("etc/io.aldis.node.cfg: workerThreads = -2: must be at least 0");
        assertThatThrownBy(() -> read("heartbeatIntervalMillis", "0"))
                .hasMessage("etc/io.aldis.node.cfg: heartbeatIntervalMillis = 0: must be at least 100");
    }

    @Test
    void textWhereANumberBelongsNamesTheKeyNotAnother() {
        assertThatThrownBy(() -> read("authTimeoutMillis", "5000", "maxFrameSize", "abc"))
                .hasMessage("etc/io.aldis.node.cfg: maxFrameSize = abc: not a whole number (at least 64)");
        assertThatThrownBy(() -> read("maxFileSize", "10GB"))
                .hasMessage("etc/io.aldis.node.cfg: maxFileSize = 10GB: not a whole number (at least 0)");
    }

    @Test
    void rulesBetweenKeysNameTheKeyThatBreaksThem() {
        assertThatThrownBy(() -> read("pauseHighWater", "100", "pauseLowWater", "200"))
                .hasMessage("etc/io.aldis.node.cfg: pauseLowWater = 200: must be below pauseHighWater (100)");
        assertThatThrownBy(() -> read("maxFrameSize", "65536", "maxChunkSize", "65536"))
                .hasMessageStartingWith("etc/io.aldis.node.cfg: maxChunkSize = 65536: must leave 30 bytes");
        assertThatThrownBy(() -> read("authFailureDelayMillis", "500", "authFailureMaxDelayMillis", "100"))
                .hasMessage("etc/io.aldis.node.cfg: authFailureMaxDelayMillis = 100: must be at least "
                        + "authFailureDelayMillis (500)");
        assertThatThrownBy(() -> read("pendingHighWaterBytes", "1048576", "maxPendingBytes", "1048576"))
                .hasMessage("etc/io.aldis.node.cfg: maxPendingBytes = 1048576: must be above "
                        + "pendingHighWaterBytes (1048576)");
    }

    @Test
    void theBoundsOnUnreadOutputAreRead() {
        NodeSettings s = read("pendingHighWaterBytes", "65536", "maxPendingBytes", "1048576", "writeDeadlineMillis",
                "2500");
        assertThat(s.pendingHighWaterBytes()).isEqualTo(65536);
        assertThat(s.maxPendingBytes()).isEqualTo(1048576);
        assertThat(s.writeDeadlineMillis()).isEqualTo(2500);
        assertThatThrownBy(() -> read("writeDeadlineMillis", "0"))
                .hasMessage("etc/io.aldis.node.cfg: writeDeadlineMillis = 0: must be at least 1");
    }

    @Test
    void withoutAFileTheMessageNamesThePid() {
        Map<String, Object> set = Map.of("authTimeoutMillis", -10);
        assertThatThrownBy(() -> NodeSettings.from(new ConfigValues(set, "io.aldis.node")))
                .hasMessage("io.aldis.node: authTimeoutMillis = -10: must be at least 1");
    }

    @Test
    void aMisspeltKeyIsFoundAmongTheFrameworksOwn() {
        Map<String, Object> properties = new HashMap<>(Map.of("authTimeoutMilis", "10", "service.pid", "io.aldis.node",
                "component.name", "x", ConfigValues.FILE_PROPERTY, FILE));
        assertThat(new ConfigValues(properties, "io.aldis.node").unknownKeys(NodeSettings.KEYS))
                .containsExactly("authTimeoutMilis");
    }
}
