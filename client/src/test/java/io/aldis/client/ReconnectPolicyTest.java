package io.aldis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    @Test
    void defaultDoublesFromOneSecondToThirtyOverTenAttempts() {
        ReconnectPolicy policy = ReconnectPolicy.defaultPolicy();
        assertThat(policy).isEqualTo(
                ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 10).withJitter(0.2));
        assertThat(policy.maxAttempts()).isEqualTo(10);
        assertThat(policy.jitter()).isEqualTo(0.2);
        long[] expectedSeconds = {1, 2, 4, 8, 16, 30, 30, 30, 30, 30};
        for (int n = 1; n <= 10; n++) {
            assertThat(policy.baseDelay(n)).as("attempt %d", n).isEqualTo(Duration.ofSeconds(expectedSeconds[n - 1]));
        }
    }

    @Test
    void withoutJitterTheDelayIsTheBaseDelay() {
        ReconnectPolicy policy = ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(350), 5);
        assertThat(policy.delay(1, fixed(0.99))).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.delay(2, fixed(0.0))).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.delay(3, fixed(0.5))).isEqualTo(Duration.ofMillis(350));
    }

    @Test
    void jitterSpreadsBothWaysUpToTheFraction() {
        ReconnectPolicy policy = ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 10)
                .withJitter(0.2);
        assertThat(policy.delay(1, fixed(0.0))).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.delay(1, fixed(0.5))).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.delay(2, fixed(0.75))).isEqualTo(Duration.ofMillis(2200));
        assertThat(policy.delay(8, fixed(0.0))).isEqualTo(Duration.ofSeconds(24));
    }

    @Test
    void randomDelaysStayWithinBoundsAndActuallyVary() {
        ReconnectPolicy policy = ReconnectPolicy.defaultPolicy();
        SplittableRandom random = new SplittableRandom(42);
        for (int n = 1; n <= 10; n++) {
            long base = policy.baseDelay(n).toNanos();
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (int i = 0; i < 500; i++) {
                long d = policy.delay(n, random).toNanos();
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            assertThat(min).as("attempt %d low", n).isGreaterThanOrEqualTo(Math.round(base * 0.8));
            assertThat(max).as("attempt %d high", n).isLessThanOrEqualTo(Math.round(base * 1.2));
            assertThat(max - min).as("attempt %d spread", n).isGreaterThan(base / 5);
        }
    }

    @Test
    void largeAttemptNumbersStayAtTheCap() {
        ReconnectPolicy policy = ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30), 1000);
        assertThat(policy.baseDelay(64)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.baseDelay(1000)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void noneDisablesReconnect() {
        assertThat(ReconnectPolicy.none().enabled()).isFalse();
        assertThat(ReconnectPolicy.none().maxAttempts()).isZero();
        assertThat(ReconnectPolicy.defaultPolicy().enabled()).isTrue();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1), 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(2), -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.defaultPolicy().withJitter(1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.defaultPolicy().baseDelay(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
