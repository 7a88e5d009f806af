package io.aldis.feature.pubsub.internal.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.PubSubSettings.PrefixLimit;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.protocol.api.spi.limits.TokenBucket;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    private static final long T = 1_000_000_000L;
    private static final double SLOW = 0.001; // one token per 1000 s: never refilled within a test

    private static PubSubSettings rates(double global, double perConnection, List<PrefixLimit> prefixes) {
        return PubSubSettings.defaults().withRates(global, 1, perConnection, 1, prefixes);
    }

    @Test
    void withoutLimitsNothingIsTaken() {
        RateLimits limits = new RateLimits(PubSubSettings.defaults(), T);
        assertThat(limits.off(null)).isTrue();
        assertThat(limits.connectionBucket(null, T)).isNull();
        assertThat(limits.take(null, "a", T)).isNull();
    }

    @Test
    void theGlobalLimitRefusesPastItsBurstAndSaysWhenToRetry() {
        RateLimits limits = new RateLimits(rates(SLOW, 0, List.of()), T);
        assertThat(limits.off(null)).isFalse();
        assertThat(limits.take(null, "a", T)).isNull();
        RateLimits.Refusal refused = limits.take(null, "b", T);
        assertThat(refused.limit()).isEqualTo("global");
        assertThat(refused.retryAfterMillis()).isEqualTo(1_000_000L);
    }

    @Test
    void aPrefixLimitCoversTheSubjectsUnderItOnly() {
        RateLimits limits = new RateLimits(rates(0, 0, List.of(PrefixLimit.parse("a.b=" + SLOW + "/1"))), T);
        assertThat(limits.take(null, "a.b.c", T)).isNull();
        assertThat(limits.take(null, "a.b", T).limit()).isEqualTo("prefix:a.b");
        assertThat(limits.take(null, "a.bc", T)).isNull();
        assertThat(limits.take(null, "a", T)).isNull();
    }

    @Test
    void aRefusedMessageTakesNoTokenFromTheBucketsItPassed() {
        RateLimits limits = new RateLimits(rates(0, SLOW, List.of(PrefixLimit.parse("a=" + SLOW + "/1"))), T);
        TokenBucket spent = limits.connectionBucket(null, T);
        assertThat(spent.tryTake(T)).isZero();
        assertThat(limits.take(spent, "a.x", T).limit()).isEqualTo("connection");
        // The prefix's only token was given back, so another connection still gets through.
        assertThat(limits.take(limits.connectionBucket(null, T), "a.x", T)).isNull();
    }

    @Test
    void aConnectionKeepsItsBucketAcrossNewRatesAndLosesItWhenConnectionsAreNotLimited() {
        RateLimits limits = new RateLimits(rates(0, SLOW, List.of()), T);
        TokenBucket bucket = limits.connectionBucket(null, T);
        assertThat(bucket).isNotNull();
        limits.apply(rates(0, 2 * SLOW, List.of()), T);
        assertThat(limits.connectionBucket(bucket, T)).isSameAs(bucket);
        limits.apply(rates(0, 0, List.of()), T);
        assertThat(limits.connectionBucket(bucket, T)).isNull();
    }

    @Test
    void newRatesKeepTheTokensOfBucketsThatStay() {
        RateLimits limits = new RateLimits(rates(SLOW, 0, List.of()), T);
        assertThat(limits.take(null, "a", T)).isNull();
        limits.apply(rates(SLOW, 0, List.of()), T);
        assertThat(limits.take(null, "a", T)).isNotNull();
    }
}
