package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void failuresDoubleTheDelayUpToTheCap() {
        ManualClock clock = new ManualClock();
        AuthThrottle throttle = new AuthThrottle(clock, 100, 1_000);
        assertThat(throttle.delayBeforeAttempt("alice", "10.0.0.1")).isZero();
        assertThat(throttle.failed("alice", "10.0.0.1")).isEqualTo(100);
        clock.advance(Duration.ofMillis(100));
        assertThat(throttle.failed("alice", "10.0.0.1")).isEqualTo(200);
        clock.advance(Duration.ofMillis(200));
        assertThat(throttle.failed("alice", "10.0.0.1")).isEqualTo(400);
        clock.advance(Duration.ofMillis(400));
        assertThat(throttle.failed("alice", "10.0.0.1")).isEqualTo(800);
        clock.advance(Duration.ofMillis(800));
        assertThat(throttle.failed("alice", "10.0.0.1")).isEqualTo(1_000);
    }

    @Test
    void parallelFailuresStackUpButNeverBeyondTheCap() {
        ManualClock clock = new ManualClock();
        AuthThrottle throttle = new AuthThrottle(clock, 100, 1_000);
        long previous = 0;
        for (int i = 0; i < 20; i++) {
            long delay = throttle.failed("alice", "10.0.0." + i); // many addresses, one user
            assertThat(delay).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(1_000);
            previous = delay;
        }
        assertThat(throttle.delayBeforeAttempt("alice", "10.9.9.9")).isEqualTo(1_000);
        // Another user from a fresh address is not slowed by alice's attacker.
        assertThat(throttle.delayBeforeAttempt("bob", "10.9.9.9")).isZero();
    }

    @Test
    void anAddressIsThrottledAcrossUsersAndNobodyIsLockedOut() {
        ManualClock clock = new ManualClock();
        AuthThrottle throttle = new AuthThrottle(clock, 100, 1_000);
        for (int i = 0; i < 10; i++) {
            throttle.failed("user" + i, "10.0.0.1");
        }
        assertThat(throttle.delayBeforeAttempt("someone", "10.0.0.1")).isPositive();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.delayBeforeAttempt("someone", "10.0.0.1")).isZero();
        assertThat(throttle.delayedAttempts()).isGreaterThan(0);
    }

    @Test
    void successClearsTheUser() {
        ManualClock clock = new ManualClock();
        AuthThrottle throttle = new AuthThrottle(clock, 100, 1_000);
        throttle.failed("alice", "10.0.0.1");
        throttle.succeeded("alice");
        assertThat(throttle.delayBeforeAttempt("alice", "10.0.0.2")).isZero();
    }
}
