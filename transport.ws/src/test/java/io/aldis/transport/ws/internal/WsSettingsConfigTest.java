package io.aldis.transport.ws.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.internal.ListenerSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A WebSocket listener's file as an operator writes it: each bad value refused in one line naming file, key and value. */
class WsSettingsConfigTest {
    private static WsSettings read(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, "file:/srv/aldis/etc/io.aldis.transport.ws-web.cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return WsSettings.from(new ConfigValues(properties, "io.aldis.transport.ws"));
    }

    @Test
    void aFileWithOnlySomeKeysGetsTheDefaultsForTheRest() {
        WsSettings s = read("name", "web", "allowedOrigins", "https://a.example, https://b.example", "demo", "false");
        assertThat(s.name()).isEqualTo("web");
        assertThat(s.port()).isEqualTo(WsSettings.DEFAULT_PORT);
        assertThat(s.path()).isEqualTo(WsSettings.DEFAULT_PATH);
        assertThat(s.allowedOrigins()).isEqualTo(List.of("https://a.example", "https://b.example"));
        assertThat(s.demo()).isFalse();
        assertThat(s.maxConnections()).isEqualTo(ListenerSettings.DEFAULT_MAX_CONNECTIONS);
    }

    @Test
    void badValuesAreRefusedInOneLineNamingTheirOwnKey() {
        assertThatThrownBy(() -> read("port", "abc"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("etc/io.aldis.transport.ws-web.cfg: port = abc: not a whole number (0..65535)");
        assertThatThrownBy(() -> read("pingIntervalMillis", "-5"))
                .hasMessage("etc/io.aldis.transport.ws-web.cfg: pingIntervalMillis = -5: must be at least 0");
        assertThatThrownBy(() -> read("path", "aldis"))
                .hasMessage("etc/io.aldis.transport.ws-web.cfg: path = aldis: must start with / and have no query "
                        + "or fragment");
        assertThatThrownBy(() -> read("demo", "yes"))
                .hasMessage("etc/io.aldis.transport.ws-web.cfg: demo = yes: must be true or false");
    }
}
