package io.aldis.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlowConsumerPolicyTest {

    @Test
    void eachPolicyIsTheProtocolsPolicyOfTheSameNameWithItsWireName() {
        assertThat(SlowConsumerPolicy.values()).hasSameSizeAs(io.aldis.protocol.api.SlowConsumerPolicy.values());
        for (SlowConsumerPolicy p : SlowConsumerPolicy.values()) {
            io.aldis.protocol.api.SlowConsumerPolicy wire = io.aldis.protocol.api.SlowConsumerPolicy.valueOf(p.name());
            assertThat(p.label()).isEqualTo(wire.wireName());
        }
    }

    @Test
    void labelsAreTheDocumentedWireNames() {
        assertThat(SlowConsumerPolicy.DROP_OLDEST.label()).isEqualTo("drop-oldest");
        assertThat(SlowConsumerPolicy.BLOCK.label()).isEqualTo("block");
    }
}
