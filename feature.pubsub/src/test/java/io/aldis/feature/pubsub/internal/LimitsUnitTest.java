package io.aldis.feature.pubsub.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LimitsUnitTest {
    @Test
    void tokenBucketAllowsItsBurstThenRefillsAtItsRate() {
        long t = 1_000_000_000L;
        TokenBucket b = new TokenBucket(10, 3, t);
        assertThat(b.tryTake(t)).isZero();
        assertThat(b.tryTake(t)).isZero();
        assertThat(b.tryTake(t)).isZero();
        long wait = b.tryTake(t);
        assertThat(wait).isEqualTo(100_000_000L);
        assertThat(b.tryTake(t + 100_000_000L)).isZero();
        b.giveBack();
        assertThat(b.tryTake(t + 100_000_000L)).isZero();
        b.update(1, 1, t + 100_000_000L);
        assertThat(b.tryTake(t + 100_000_000L)).isEqualTo(1_000_000_000L);
    }

    @Test
    void prefixLimitsParse() {
        assertThat(PubSubSettings.PrefixLimit.parse("sensors.raw=100/250"))
                .isEqualTo(new PubSubSettings.PrefixLimit("sensors.raw", 100, 250));
        assertThat(PubSubSettings.PrefixLimit.parse("a = 5")).isEqualTo(new PubSubSettings.PrefixLimit("a", 5, 5));
        assertThatThrownBy(() -> PubSubSettings.PrefixLimit.parse("a.*=5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PubSubSettings.PrefixLimit.parse("a=0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PubSubSettings.PrefixLimit.parse("nothing")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subscriptionOptions() {
        assertThat(Json.options("")).isEqualTo(new Json.Options(null, -1));
        assertThat(Json.options("{\"policy\":\"drop-oldest\",\"budgetBytes\":4096}"))
                .isEqualTo(new Json.Options("drop-oldest", 4096));
        assertThatThrownBy(() -> Json.options("{\"budgetBytes\":-1}")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Json.options("{\"colour\":1}")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> Json.options("[1]")).hasMessageContaining("object");
        assertThatThrownBy(() -> Json.options("{\"policy\":")).hasMessageContaining("JSON");
    }
}
