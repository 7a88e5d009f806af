package io.aldis.cli.internal.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.cli.internal.exit.CliFailure;
import io.aldis.cli.internal.exit.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeAddressTest {

    @Test
    void aHostAloneGetsTheDefaultPort() {
        assertThat(NodeAddress.parse("node.example")).isEqualTo(new NodeAddress("node.example", 7440));
    }

    @Test
    void hostAndPort() {
        assertThat(NodeAddress.parse("10.0.0.5:9000")).isEqualTo(new NodeAddress("10.0.0.5", 9000));
    }

    @Test
    void anIpv6AddressInBrackets() {
        assertThat(NodeAddress.parse("[::1]:7000")).isEqualTo(new NodeAddress("::1", 7000));
        assertThat(NodeAddress.parse("[::1]")).isEqualTo(new NodeAddress("::1", 7440));
        assertThat(NodeAddress.parse("[::1]:7000")).hasToString("[::1]:7000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://localhost:7441/aldis", "localhost:0", "localhost:70000", "localhost:x", ":7440",
        "::1", "[::1", "[::1]7000", ""})
    void whatIsNotAnAddressIsAUsageErrorThatSaysSo(String value) {
        assertThatThrownBy(() -> NodeAddress.parse(value)).isInstanceOfSatisfying(CliFailure.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE);
            assertThat(e.getMessage()).contains("--node");
        });
    }
}
