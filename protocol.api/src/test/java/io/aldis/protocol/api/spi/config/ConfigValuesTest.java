package io.aldis.protocol.api.spi.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which keys of a configuration count as the operator's, and so may be reported as unknown; how a
 * rejected value is reported.
 */
class ConfigValuesTest {
    @Test
    void aRejectedValueWithALineBreakStaysOneLine() {
        // Found by PubSubConfigFuzzTest: a "\n" escape in a .cfg value split the one-line rejection.
        ConfigValues values = new ConfigValues(Map.of("felix.fileinstall.filename", "/opt/aldis/etc/io.aldis.x.cfg",
                "limit", "12\nx"), "io.aldis.x");
        assertThatThrownBy(() -> values.integer("limit", 1, 0, 100))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("etc/io.aldis.x.cfg: limit = 12\\u000ax: not a whole number (0..100)");
    }

    @Test
    void aConfigurationSetWithoutAFileIsNamedByItsPidOnce() {
        assertThat(new ConfigValues(Map.of("service.pid", "io.aldis.x"), "io.aldis.x").source())
                .isEqualTo("io.aldis.x");
        assertThat(new ConfigValues(Map.of("service.pid", "io.aldis.x~east"), "io.aldis.x").source())
                .isEqualTo("io.aldis.x (io.aldis.x~east)");
    }

    @Test
    void keysTheFrameworkAddsAreNotReportedAsUnknown() {
        Map<String, Object> properties = Map.of("port", "7440", "prot", "7441",
                "service.pid", "io.aldis.x", "component.name", "x", "component.id", 3L,
                "felix.fileinstall.filename", "file:/opt/aldis/etc/io.aldis.x.cfg",
                "osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)", "objectClass", new String[0]);
        assertThat(new ConfigValues(properties, "io.aldis.x").unknownKeys(Set.of("port"))).containsExactly("prot");
    }

    @Test
    void unknownKeysAreWarnedAboutOneLineEach() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        System.Logger log = new System.Logger() {
            @Override
            public String getName() {
                return "test";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
                lines.add(msg);
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
                lines.add(level + " " + java.text.MessageFormat.format(format, params));
            }
        };
        Map<String, Object> properties = Map.of("port", "7440", "prot", "7441", "hots", "x");
        assertThat(new ConfigValues(properties, "io.aldis.x").warnUnknownKeys(Set.of("port", "host"), log))
                .containsExactly("hots", "prot");
        assertThat(lines).containsExactly(
                "WARNING io.aldis.x: unknown key hots is ignored (the keys are host, port)",
                "WARNING io.aldis.x: unknown key prot is ignored (the keys are host, port)");
    }
}
