package io.aldis.protocol.api.spin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The strategy's decisions, driven by a clock and a selector of the test's own. */
class SpinningSelectStrategyTest {
    private static final long US = 1_000;

    private final AtomicLong clock = new AtomicLong(1_000_000 * US);
    private final AtomicLong cap = new AtomicLong(200 * US);
    private final FakeSelector selector = new FakeSelector();
    private final Semaphore pollers = new Semaphore(1);
    private final SpinningSelectStrategy strategy = new SpinningSelectStrategy(cap::get, clock::get, pollers);

    private static final class FakeSelector implements IntSupplier {
        int ready;
        int calls;

        @Override
        public int get() {
            calls++;
            int r = ready;
            ready = 0;
            return r;
        }
    }

    private int idleCall() throws Exception {
        return strategy.calculateStrategy(selector, false);
    }

    /**
     * One idle spell of the loop: work comes {@code micros} after it ran out. True if the loop was
     * still polling then (the poll finds the work), false if it had blocked by then (the blocking
     * select returns with it, and the next call learns of it).
     */
    private boolean spell(long micros) throws Exception {
        long end = clock.get() + micros * US;
        for (;;) {
            int decision = idleCall();
            if (decision == SelectStrategy.SELECT) {
                clock.set(end);
                return false;
            }
            assertThat(decision).isEqualTo(SelectStrategy.CONTINUE);
            if (clock.get() + US >= end) {
                clock.set(end);
                selector.ready = 1;
                assertThat(idleCall()).isEqualTo(1);
                return true;
            }
            clock.addAndGet(US);
        }
    }

    private void spells(long micros, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            spell(micros);
        }
    }

    @Test
    void aLoopWithoutHistoryBlocksAtOnceWithoutPolling() throws Exception {
        assertThat(idleCall()).isEqualTo(SelectStrategy.SELECT);
        assertThat(selector.calls).isZero();
    }

    @Test
    void withPendingTasksItPollsAndNeverBlocks() throws Exception {
        selector.ready = 2;
        assertThat(strategy.calculateStrategy(selector, true)).isEqualTo(2);
        assertThat(strategy.calculateStrategy(selector, true)).isZero();
        assertThat(selector.calls).isEqualTo(2);
    }

    @Test
    void afterWorkCameSoonItPollsForTwiceThatLongThenBlocks() throws Exception {
        assertThat(spell(30)).as("the first spell, without history").isFalse();
        spells(30, SpinWindow.SAMPLES);
        assertThat(strategy.windowNanos()).isEqualTo(60 * US);

        int polls = selector.calls;
        assertThat(idleCall()).isEqualTo(SelectStrategy.CONTINUE);
        clock.addAndGet(59 * US);
        assertThat(idleCall()).isEqualTo(SelectStrategy.CONTINUE);
        assertThat(selector.calls).isEqualTo(polls + 2);
        clock.addAndGet(US);
        assertThat(idleCall()).isEqualTo(SelectStrategy.SELECT);
        assertThat(selector.calls).as("no poll once the window has passed").isEqualTo(polls + 2);
    }

    @Test
    void spellsCaughtByPollingTeachTheirOwnLength() throws Exception {
        spells(30, SpinWindow.SAMPLES);
        for (int i = 0; i < SpinWindow.SAMPLES; i++) {
            assertThat(spell(10)).isTrue();
        }
        assertThat(strategy.windowNanos()).isEqualTo(20 * US);
    }

    @Test
    void aLoopWhoseWorkComesFurtherApartThanTheCapStopsPolling() throws Exception {
        spells(30, SpinWindow.SAMPLES);
        assertThat(strategy.windowNanos()).isEqualTo(60 * US);
        for (int i = 0; i < SpinWindow.SAMPLES / 2 + 1; i++) {
            assertThat(spell(10_000)).isFalse();
        }
        assertThat(strategy.windowNanos()).isZero();
        int polls = selector.calls;
        assertThat(idleCall()).isEqualTo(SelectStrategy.SELECT);
        assertThat(selector.calls).isEqualTo(polls);
    }

    @Test
    void aChangedCapReachesTheLoopAtItsNextIdleSpell() throws Exception {
        spells(30, SpinWindow.SAMPLES);
        cap.set(0);
        spell(30);
        assertThat(strategy.windowNanos()).isZero();
        assertThat(idleCall()).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void whileAnotherLoopOfTheGroupPollsThisOneBlocksAndAfterwardsItPollsAgain() throws Exception {
        spells(30, SpinWindow.SAMPLES);
        SpinningSelectStrategy other = new SpinningSelectStrategy(cap::get, clock::get, pollers);
        FakeSelector otherSelector = new FakeSelector();
        for (int i = 0; i < SpinWindow.SAMPLES; i++) {
            assertThat(other.calculateStrategy(otherSelector, false)).isIn(SelectStrategy.SELECT,
                    SelectStrategy.CONTINUE);
            clock.addAndGet(30 * US);
            otherSelector.ready = 1;
            other.calculateStrategy(otherSelector, false);
        }
        // the other loop is polling now
        assertThat(other.calculateStrategy(otherSelector, false)).isEqualTo(SelectStrategy.CONTINUE);
        int polls = selector.calls;
        assertThat(idleCall()).as("this loop, while the other polls").isEqualTo(SelectStrategy.SELECT);
        assertThat(selector.calls).isEqualTo(polls);

        // the other loop finds work and stops polling; this one, woken, may poll in its next spell
        otherSelector.ready = 1;
        assertThat(other.calculateStrategy(otherSelector, false)).isEqualTo(1);
        clock.addAndGet(30 * US);
        assertThat(idleCall()).isEqualTo(SelectStrategy.CONTINUE);
        assertThat(pollers.availablePermits()).isZero();
        selector.ready = 1;
        assertThat(idleCall()).isEqualTo(1);
        assertThat(pollers.availablePermits()).isEqualTo(1);
    }
}
