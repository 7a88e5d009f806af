package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The order of one session's notices, with workers driven by hand. */
class FeatureNoticesTest {
    private final FeatureNotices notices = new FeatureNotices();
    private final Queue<Runnable> queued = new ArrayDeque<>();
    private final Executor workers = queued::add;
    private final List<String> told = new ArrayList<>();

    @Test
    void theEndWaitsForTheOpeningsQueuedBeforeItAndComesAfterTheLast() {
        assertThat(notices.opening(workers, () -> told.add("opened 1"))).isTrue();
        assertThat(notices.opening(workers, () -> told.add("opened 2"))).isTrue();
        notices.end(() -> told.add("ended"));
        assertThat(told).isEmpty();

        queued.poll().run();
        assertThat(told).containsExactly("opened 1");
        queued.poll().run();
        assertThat(told).containsExactly("opened 1", "opened 2", "ended");
    }

    @Test
    void whatWaitsForTheOpeningsRunsAfterTheLastAndBeforeTheEnd() {
        assertThat(notices.openingsTold(() -> told.add("not kept: nothing was pending"))).isTrue();
        notices.opening(workers, () -> told.add("opened 1"));
        notices.opening(workers, () -> told.add("opened 2"));
        assertThat(notices.openingsTold(() -> told.add("asked"))).isFalse();
        notices.end(() -> told.add("ended"));

        queued.poll().run();
        assertThat(told).containsExactly("opened 1");
        queued.poll().run();
        assertThat(told).containsExactly("opened 1", "opened 2", "asked", "ended");
    }

    @Test
    void whatWaitsForTheOpeningsFailingDoesNotKeepTheEndBack() {
        notices.opening(workers, () -> told.add("opened"));
        notices.openingsTold(() -> {
            throw new IllegalStateException("a feature's fault");
        });
        notices.openingsTold(() -> told.add("asked"));
        notices.end(() -> told.add("ended"));

        queued.poll().run();
        assertThat(told).containsExactly("opened", "asked", "ended");
    }

    @Test
    void withNothingPendingTheEndIsToldAtOnceAndOnlyOnce() {
        notices.end(() -> told.add("ended"));
        notices.end(() -> told.add("ended again"));
        assertThat(told).containsExactly("ended");
    }

    @Test
    void noOpeningIsToldOnceTheEndWasOrWaits() {
        notices.opening(workers, () -> told.add("opened"));
        notices.end(() -> told.add("ended"));
        assertThat(notices.opening(workers, () -> told.add("opened late"))).isFalse();
        assertThat(notices.hold()).isFalse();
        assertThat(queued).hasSize(1);

        queued.poll().run();
        assertThat(told).containsExactly("opened", "ended");
        assertThat(notices.opening(workers, () -> told.add("opened later"))).isFalse();
        assertThat(queued).isEmpty();
    }

    @Test
    void anOpeningTheWorkersRefuseHoldsNothingBack() {
        Executor stopped = task -> {
            throw new RejectedExecutionException("stopping");
        };
        assertThatThrownBy(() -> notices.opening(stopped, () -> told.add("opened")))
                .isInstanceOf(RejectedExecutionException.class);
        notices.end(() -> told.add("ended"));
        assertThat(told).containsExactly("ended");
    }

    @Test
    void anOpeningTheWorkersDropIsSkippedAndTheEndIsToldAllTheSame() {
        notices.opening(workers, () -> told.add("opened"));
        notices.end(() -> told.add("ended"));

        ((FeatureNotices.Opening) queued.poll()).skip();
        assertThat(told).containsExactly("ended");
    }

    @Test
    void aHoldKeepsTheEndBackUntilItsRelease() {
        assertThat(notices.hold()).isTrue();
        notices.end(() -> told.add("ended"));
        assertThat(told).isEmpty();

        notices.release();
        assertThat(told).containsExactly("ended");
    }

    @Test
    void anOpeningThatFailsStillLetsTheEndThrough() {
        notices.opening(workers, () -> {
            throw new IllegalStateException("a feature failed");
        });
        notices.end(() -> told.add("ended"));

        Runnable opening = queued.poll();
        assertThatThrownBy(opening::run).isInstanceOf(IllegalStateException.class);
        assertThat(told).containsExactly("ended");
    }
}
