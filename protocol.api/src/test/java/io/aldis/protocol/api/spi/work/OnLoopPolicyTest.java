package io.aldis.protocol.api.spi.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OnLoopPolicyTest {
    private static final long LIMIT = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long FAST = LIMIT;
    private static final long SLOW = LIMIT + 1;
    private static final long FAR = OnLoopPolicy.AT_ONCE * LIMIT;

    /** The time the policy reads, moved by hand: a run of {@code nanos} is judged at the time it ended. */
    private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
    private final OnLoopPolicy policy = new OnLoopPolicy(now::get);

    @Test
    void codeStaysOnTheLoopWhileItsRunsKeepWithinTheLimit() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(policy.ranOnLoop(FAST, LIMIT)).isFalse();
        }
        assertThat(policy.onLoop(LIMIT)).isTrue();
        assertThat(policy.sentAway()).isZero();
    }

    @Test
    void oneSlowRunIsForgivenASecondSoonAfterSendsItAway() {
        assertThat(policy.ranOnLoop(SLOW, LIMIT)).as("a pause may have caught it").isFalse();
        for (int i = 1; i < OnLoopPolicy.CONFIRM_WITHIN; i++) {
            assertThat(policy.ranOnLoop(FAST, LIMIT)).isFalse();
        }
        assertThat(policy.onLoop(LIMIT)).isTrue();
        afterTheLastRun();
        assertThat(policy.ranOnLoop(SLOW, LIMIT)).as("the second within the window").isTrue();
        assertThat(policy.onLoop(LIMIT)).isFalse();
        assertThat(policy.sentAway()).isOne();
    }

    @Test
    void aSlowRunThatOverlapsTheOneForgivenIsTheSamePause() {
        now.addAndGet(SLOW);
        assertThat(policy.ranOnLoop(SLOW, LIMIT)).isFalse();
        // another loop's run that began before the first ended: the same pause
        now.addAndGet(SLOW / 2);
        assertThat(policy.ranOnLoop(SLOW, LIMIT)).isFalse();
        afterTheLastRun();
        assertThat(policy.ranOnLoop(SLOW, LIMIT)).as("a later one is not").isTrue();
    }

    @Test
    void slowRunsOnTwoLoopsInTurnDoNotForgiveEachOtherForEver() {
        // loop A [0, 10], loop B [5, 15], loop A [10, 20]: the third began when the forgiven first ended
        long run = OnLoopPolicy.AT_ONCE * LIMIT / 2;
        now.addAndGet(run);
        assertThat(policy.ranOnLoop(run, LIMIT)).as("A, the first").isFalse();
        now.addAndGet(run / 2);
        assertThat(policy.ranOnLoop(run, LIMIT)).as("B, overlapping A").isFalse();
        now.addAndGet(run / 2);
        assertThat(policy.ranOnLoop(run, LIMIT)).as("A again, after the first ended").isTrue();
        assertThat(policy.onLoop(LIMIT)).isFalse();
    }

    /** Moves the clock on by more than a slow run: the next one began after the last ended, as on one loop. */
    private void afterTheLastRun() {
        now.addAndGet(2 * SLOW);
    }

    @Test
    void aSlowRunLongAfterTheLastIsForgivenAgain() {
        policy.ranOnLoop(SLOW, LIMIT);
        for (int i = 0; i < OnLoopPolicy.CONFIRM_WITHIN; i++) {
            policy.ranOnLoop(FAST, LIMIT);
        }
        assertThat(policy.ranOnLoop(SLOW, LIMIT)).isFalse();
        assertThat(policy.onLoop(LIMIT)).isTrue();
        assertThat(policy.sentAway()).isZero();
    }

    @Test
    void oneRunFarPastTheLimitSendsItAwayByItself() {
        assertThat(policy.ranOnLoop(FAR - 1, LIMIT)).as("short of the factor: forgiven").isFalse();
        policy.ranOnLoop(FAST, LIMIT);
        for (int i = 0; i < OnLoopPolicy.CONFIRM_WITHIN; i++) {
            policy.ranOnLoop(FAST, LIMIT);
        }
        assertThat(policy.ranOnLoop(FAR, LIMIT)).isTrue();
        assertThat(policy.onLoop(LIMIT)).isFalse();
    }

    @Test
    void aProbationWithinTheLimitBringsItBack() {
        assertThat(policy.ranOnLoop(FAR, LIMIT)).isTrue();
        assertThat(policy.onLoop(LIMIT)).isFalse();
        for (int i = 1; i < OnLoopPolicy.FIRST_PROBATION; i++) {
            assertThat(policy.ranOnWorker(FAST, LIMIT)).isFalse();
        }
        assertThat(policy.onLoop(LIMIT)).as("one run short of the probation").isFalse();
        assertThat(policy.ranOnWorker(FAST, LIMIT)).isTrue();
        assertThat(policy.onLoop(LIMIT)).isTrue();
    }

    @Test
    void aSlowRunOnTheWorkersStartsTheProbationAgainAndEachProbationIsTwiceTheLast() {
        policy.ranOnLoop(FAR, LIMIT);
        for (int i = 1; i < OnLoopPolicy.FIRST_PROBATION; i++) {
            policy.ranOnWorker(FAST, LIMIT);
        }
        policy.ranOnWorker(SLOW, LIMIT);
        for (int i = 1; i < OnLoopPolicy.FIRST_PROBATION; i++) {
            policy.ranOnWorker(FAST, LIMIT);
        }
        assertThat(policy.onLoop(LIMIT)).as("the slow run counted the probation from zero again").isFalse();
        assertThat(policy.ranOnWorker(FAST, LIMIT)).isTrue();

        assertThat(policy.ranOnLoop(FAR, LIMIT)).isTrue();
        for (int i = 1; i < 2 * OnLoopPolicy.FIRST_PROBATION; i++) {
            assertThat(policy.ranOnWorker(FAST, LIMIT)).isFalse();
        }
        assertThat(policy.ranOnWorker(FAST, LIMIT)).as("the second probation is twice the first").isTrue();
        assertThat(policy.sentAway()).isEqualTo(2);
    }

    @Test
    void aLimitOfZeroKeepsTheCodeOnTheWorkersAndTheLimitGivenCounts() {
        assertThat(policy.onLoop(0)).isFalse();
        assertThat(policy.onLoop(LIMIT)).isTrue();
        assertThat(policy.ranOnLoop(SLOW, 2 * LIMIT)).as("within the raised limit").isFalse();
        policy.ranOnLoop(FAR, LIMIT);
        assertThat(policy.ranOnWorker(FAST, 0)).as("no probation under a limit of 0").isFalse();
    }
}
