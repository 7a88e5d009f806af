package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** A session's work queue on workers the test runs by hand. */
class SessionWorkTest {
    /** Workers that run nothing until the test says so. */
    private static final class ManualWorkers implements Executor {
        final Queue<Runnable> turns = new ArrayDeque<>();
        boolean stopped;

        @Override
        public void execute(Runnable turn) {
            if (stopped) {
                throw new RejectedExecutionException("stopped");
            }
            turns.add(turn);
        }

        void runAll() {
            Runnable turn;
            while ((turn = turns.poll()) != null) {
                turn.run();
            }
        }
    }

    private final ManualWorkers workers = new ManualWorkers();
    private final List<Integer> left = new ArrayList<>();
    private int refusals;
    private final SessionWork work = new SessionWork(workers, new SessionWork.Listener() {
        @Override
        public void ran(int stillQueued) {
            left.add(stillQueued);
        }

        @Override
        public void refused() {
            refusals++;
        }
    });

    @Test
    void tasksRunInTheOrderTheyCameOnOneTurnAtATime() {
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertThat(work.add(() -> ran.add(n))).isEqualTo(i + 1);
        }
        assertThat(workers.turns).as("one turn for the whole queue").hasSize(1);
        assertThat(ran).isEmpty();

        workers.runAll();
        assertThat(ran).containsExactly(0, 1, 2, 3, 4);
        assertThat(left).containsExactly(4, 3, 2, 1, 0);
        assertThat(work.queued()).isZero();
    }

    @Test
    void aLongQueueHandsTheWorkerBackAfterEachTurn() {
        int total = SessionWork.TASKS_PER_TURN * 2 + 1;
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            int n = i;
            work.add(() -> ran.add(n));
        }
        workers.turns.poll().run();
        assertThat(ran).hasSize(SessionWork.TASKS_PER_TURN);
        assertThat(workers.turns).as("the rest waits for another turn").hasSize(1);
        workers.runAll();
        assertThat(ran).hasSize(total);
        for (int i = 0; i < total; i++) {
            assertThat(ran.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aTaskAddedWhileATurnRunsIsRunByThatTurnOrTheNext() {
        List<String> ran = new ArrayList<>();
        work.add(() -> {
            ran.add("first");
            work.add(() -> ran.add("added while running"));
        });
        workers.runAll();
        assertThat(ran).containsExactly("first", "added while running");
        assertThat(work.queued()).isZero();
    }

    @Test
    void stoppedWorkersDropTheQueueAndSaySo() {
        workers.stopped = true;
        assertThat(work.add(() -> { })).isEqualTo(1);
        assertThat(refusals).isEqualTo(1);
        assertThat(work.queued()).isZero();
    }
}
