package io.aldis.protocol.api.spi.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
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
}
