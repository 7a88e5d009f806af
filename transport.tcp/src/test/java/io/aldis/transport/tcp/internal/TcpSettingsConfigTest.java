package io.aldis.transport.tcp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import io.aldis.protocol.api.spi.transport.internal.ListenerSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A TCP listener's file as an operator writes it: each bad value refused in one line naming file, key and value. */
class TcpSettingsConfigTest {
    private static TcpSettings read(String... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ConfigValues.FILE_PROPERTY, "file:/srv/aldis/etc/io.aldis.transport.tcp-edge.cfg");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return TcpSettings.from(new ConfigValues(properties, "io.aldis.transport.tcp"));
    }

    @Test
    void aFileWithOnlySomeKeysGetsTheDefaultsForTheRest() {
        TcpSettings s = read("name", "edge", "port", "7450", "tls.protocols", "TLSv1.3");
        assertThat(s.name()).isEqualTo("edge");
        assertThat(s.port()).isEqualTo(7450);
        assertThat(s.maxConnections()).isEqualTo(ListenerSettings.DEFAULT_MAX_CONNECTIONS);
        assertThat(s.tls().protocols()).isEqualTo(List.of("TLSv1.3"));
    }

    @Test
    void badValuesAreRefusedInOneLineNamingTheirOwnKey() {
        assertThatThrownBy(() -> read("port", "abc"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("etc/io.aldis.transport.tcp-edge.cfg: port = abc: not a whole number (0..65535)");
        assertThatThrownBy(() -> read("port", "70000"))
                .hasMessage("etc/io.aldis.transport.tcp-edge.cfg: port = 70000: must be 0..65535");
        assertThatThrownBy(() -> read("port", "7450", "ioThreads", "-1"))
                .hasMessage("etc/io.aldis.transport.tcp-edge.cfg: ioThreads = -1: must be at least 0");
        assertThatThrownBy(() -> read("maxConnections", "0"))
                .hasMessage("etc/io.aldis.transport.tcp-edge.cfg: maxConnections = 0: must be at least 1");
        assertThatThrownBy(() -> read("tls.clientAuth", "maybe"))
                .hasMessage("etc/io.aldis.transport.tcp-edge.cfg: tls.clientAuth = maybe: must be one of none, want, need");
    }
}
