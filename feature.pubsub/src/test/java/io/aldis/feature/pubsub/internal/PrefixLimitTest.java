package io.aldis.feature.pubsub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrefixLimitTest {
    @Test
    void prefixLimitsParse() {
        assertThat(PubSubSettings.PrefixLimit.parse("sensors.raw=100/250"))
                .isEqualTo(new PubSubSettings.PrefixLimit("sensors.raw", 100, 250));
        assertThat(PubSubSettings.PrefixLimit.parse("a = 5")).isEqualTo(new PubSubSettings.PrefixLimit("a", 5, 5));
        assertThatThrownBy(() -> PubSubSettings.PrefixLimit.parse("a.*=5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PubSubSettings.PrefixLimit.parse("a=0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PubSubSettings.PrefixLimit.parse("nothing")).isInstanceOf(IllegalArgumentException.class);
    }
}
