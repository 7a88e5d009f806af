package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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

        void advanceTo(long epochMillis) {
            now = Instant.ofEpochMilli(epochMillis);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final AuthThrottle throttle = new AuthThrottle(clock, 100, 1_000);

    private long waitOf(AuthThrottle.Turn turn) {
        assertThat(turn.refused()).as("refused").isFalse();
        return turn.releaseAt() - clock.millis();
    }

    @Test
    void aFirstAttemptIsJudgedAtOnceRightOrWrong() {
        assertThat(waitOf(throttle.take("alice", "10.0.0.1", true))).isZero();
        assertThat(waitOf(throttle.take("bob", "10.0.0.2", false))).isZero();
        assertThat(throttle.counts()).isEqualTo(new ThrottleCounts(2, 0, 0));
    }

    @Test
    void sequentialFailuresDoubleTheGapUpToTheCap() {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            AuthThrottle.Turn turn = throttle.take("alice", "10.0.0.1", true);
            waits.add(waitOf(turn));
            clock.advanceTo(turn.releaseAt()); // the attacker asks again the moment it is answered
        }
        assertThat(waits).containsExactly(0L, 100L, 200L, 400L, 800L, 1_000L);
    }

    @Test
    void theTurnDoesNotDependOnWhetherThePasswordWasRight() {
        AuthThrottle other = new AuthThrottle(clock, 100, 1_000);
        for (int i = 0; i < 3; i++) {
            throttle.take("alice", "10.0.0.1", true);
            other.take("alice", "10.0.0.1", true);
        }
        AuthThrottle.Turn wrong = throttle.take("alice", "10.0.0.1", true);
        AuthThrottle.Turn right = other.take("alice", "10.0.0.1", false);
        assertThat(right).isEqualTo(wrong);
        assertThat(waitOf(right)).isPositive();
    }

    @Test
    void parallelAttemptsFromOneAddressTakeTurnsAndTheRestAreRefused() {
        throttle.take("alice", "10.0.0.1", true); // the address is now throttled: 100 ms apart
        List<AuthThrottle.Turn> turns = new ArrayList<>();
        for (int i = 0; i < 50; i++) { // all judged at the same instant
            turns.add(throttle.take("user" + i, "10.0.0.1", true));
        }
        List<Long> released = turns.stream().filter(t -> !t.refused()).map(AuthThrottle.Turn::releaseAt).toList();
        // 100, +200, +400 = 700 ms; the next would come 800 ms after that, beyond the 1 s cap.
        assertThat(released).hasSize(3).isSorted().doesNotHaveDuplicates();
        assertThat(released.get(released.size() - 1) - clock.millis()).isLessThanOrEqualTo(1_000);
        assertThat(turns.stream().filter(AuthThrottle.Turn::refused)).hasSize(47);
        assertThat(throttle.counts().refused()).isEqualTo(47);
    }

    @Test
    void abandonedAttemptsStillUseUpTheirTurns() {
        throttle.take("alice", "10.0.0.1", true);
        // Three attempts judged and then abandoned by the client before their turns came.
        AuthThrottle.Turn last = null;
        for (int i = 0; i < 3; i++) {
            last = throttle.take("alice", "10.0.0.1", true);
        }
        // The next one waits behind them, as if their answers had been awaited.
        clock.advance(Duration.ofMillis(50));
        assertThat(throttle.take("alice", "10.0.0.1", true).refused()).isTrue();
        clock.advanceTo(last.releaseAt());
        assertThat(waitOf(throttle.take("alice", "10.0.0.1", true))).isEqualTo(800);
    }

    @Test
    void rotatingAddressesAreSlowedByTheUsersGate() {
        int judged = 0;
        for (int i = 0; i < 200; i++) { // a new address for every guess, 10 guesses per second
            AuthThrottle.Turn turn = throttle.take("alice", "10.0.1." + i, true);
            if (!turn.refused()) {
                judged++;
            }
            clock.advance(Duration.ofMillis(100));
        }
        // 20 s: at most one verdict per second once the gap reached the cap, plus the ramp-up.
        assertThat(judged).isBetween(15, 25);
        // Other users from fresh addresses do not notice.
        assertThat(waitOf(throttle.take("bob", "10.9.9.9", false))).isZero();
    }

    @Test
    void theRealUserFromATrustedAddressIsNotSlowedByAnAttackElsewhere() {
        throttle.take("alice", "192.168.1.5", false); // alice logged in from home before
        for (int i = 0; i < 100; i++) { // the attack fills alice's gate for the whole cap
            throttle.take("alice", "10.0.1." + i, true);
        }
        assertThat(throttle.take("alice", "10.0.2.1", false).refused()).as("a fresh address queues").isTrue();
        assertThat(waitOf(throttle.take("alice", "192.168.1.5", false))).isZero();
    }

    @Test
    void aLoneRealUserIsNeverRefusedHoweverOftenOthersFailedForIt() {
        for (int i = 0; i < 100; i++) {
            throttle.take("alice", "10.0.1." + i, true);
            clock.advance(Duration.ofSeconds(1));
        }
        // Nobody else waiting: the turn comes within the cap, never later.
        assertThat(waitOf(throttle.take("alice", "10.0.2.1", false))).isBetween(0L, 1_000L);
    }

    @Test
    void failuresAreForgottenAfterAQuietSpell() {
        for (int i = 0; i < 5; i++) {
            AuthThrottle.Turn turn = throttle.take("alice", "10.0.0.1", true);
            clock.advanceTo(turn.releaseAt());
        }
        clock.advance(Duration.ofMillis(AuthThrottle.FORGET_AFTER_MILLIS + 1));
        assertThat(waitOf(throttle.take("alice", "10.0.0.1", true))).isZero();
        assertThat(waitOf(throttle.take("alice", "10.0.0.1", true))).isEqualTo(100);
    }

    @Test
    void attemptsWithoutAUserNameAreThrottledByAddress() {
        throttle.take(null, "10.0.0.1", true);
        assertThat(waitOf(throttle.take(null, "10.0.0.1", true))).isEqualTo(100);
        assertThat(throttle.throttledAttempts()).isEqualTo(1);
    }
}
