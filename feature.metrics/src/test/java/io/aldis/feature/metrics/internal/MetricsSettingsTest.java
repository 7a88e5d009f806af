package io.aldis.feature.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {
    private static MetricsSettings read(Map<String, Object> properties) {
        return MetricsSettings.from(new ConfigValues(properties, MetricsComponent.PID));
    }

    @Test
    void anEmptyFileGivesLoopbackDefaults() {
        assertThat(read(Map.of())).isEqualTo(new MetricsSettings(true, "127.0.0.1", 7449, "/metrics"));
    }

    @Test
    void readsEveryKey() {
        assertThat(read(Map.of("enabled", "false", "host", "0.0.0.0", "port", "9100", "path", "/prom")))
                .isEqualTo(new MetricsSettings(false, "0.0.0.0", 9100, "/prom"));
    }

    @Test
    void aBadPortIsNamedInOneLine() {
        assertThatThrownBy(() -> read(Map.of("port", "70000")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("port = 70000")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aPathMustBeAnAbsolutePathAlone() {
        assertThatThrownBy(() -> read(Map.of("path", "metrics")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("path = metrics: must start with /");
        assertThatThrownBy(() -> read(Map.of("path", "/metrics?x=1")))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void enabledIsTrueOrFalse() {
        assertThatThrownBy(() -> read(Map.of("enabled", "yes"))).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("enabled");
    }
}
