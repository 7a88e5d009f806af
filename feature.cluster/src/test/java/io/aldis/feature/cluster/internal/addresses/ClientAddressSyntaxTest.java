package io.aldis.feature.cluster.internal.addresses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientAddressSyntaxTest {
    private static List<String> read(Object value) {
        return ClientAddressSyntax.read(new ConfigValues(Map.of("clientAddresses", value), "io.aldis.cluster"));
    }

    @Test
    void theSettingIsACommaSeparatedListOfUrisOfTheFourTransports() {
        assertThat(read("tcp://10.0.0.5:7440, tcps://node.example:7443 ,ws://10.0.0.5:8080/aldis,"
                + "wss://node.example:443/aldis, tcp://10.0.0.5:7440"))
                .as("trimmed, duplicates once").isEqualTo(List.of("tcp://10.0.0.5:7440", "tcps://node.example:7443",
                        "ws://10.0.0.5:8080/aldis", "wss://node.example:443/aldis"));
        assertThat(read("")).isEmpty();
        assertThat(ClientAddressSyntax.read(new ConfigValues(Map.of(), "io.aldis.cluster"))).isEmpty();
    }

    @Test
    void aBadAddressIsRefusedInTheOperatorsWords() {
        assertThatThrownBy(() -> read("10.0.0.5:7440")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("clientAddresses").hasMessageContaining("tcp://, tcps://, ws:// or wss://");
        assertThatThrownBy(() -> read("http://10.0.0.5:7440")).hasMessageContaining("tcp://, tcps://, ws:// or wss://");
        assertThatThrownBy(() -> read("tcp://10.0.0.5")).hasMessageContaining("a host and a port");
        assertThatThrownBy(() -> read("ws://10.0.0.5:70000/aldis")).hasMessageContaining("a host and a port");
        assertThatThrownBy(() -> read("tcp://10.0.0.5:7440/x")).hasMessageContaining("no path");
        assertThatThrownBy(() -> read("ws://u@10.0.0.5:8080/aldis")).hasMessageContaining("no user");
        assertThatThrownBy(() -> read("ws://10.0.0.5:8080/" + "a".repeat(300))).hasMessageContaining("255 bytes");
    }
}
