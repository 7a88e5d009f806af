package io.aldis.protocol.api.spi.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    private static final System.Logger LOG = System.getLogger(SerialExecutorTest.class.getName());

    @Test
    void tasksRunInOrderOneDrainAtATimeAndAFailureDoesNotStopTheNext() {
        Queue<Runnable> pool = new ArrayDeque<>();
        List<Integer> ran = new ArrayList<>();
        SerialExecutor serial = new SerialExecutor(pool::add, SerialExecutor.WhenPoolStops.DROP, LOG, "failed");
        serial.execute(() -> ran.add(1));
        serial.execute(() -> {
            throw new IllegalStateException("a task fails");
        });
        serial.execute(() -> ran.add(3));
        assertThat(pool).as("one drain handed to the pool for all three").hasSize(1);
        pool.poll().run();
        assertThat(ran).containsExactly(1, 3);
        serial.execute(() -> ran.add(4));
        assertThat(pool).hasSize(1);
    }

    @Test
    void whenThePoolStopsTheTasksRunHereOrAreDroppedAsAsked() {
        List<String> ran = new ArrayList<>();
        SerialExecutor runHere = new SerialExecutor(task -> {
            throw new RejectedExecutionException("stopped");
        }, SerialExecutor.WhenPoolStops.RUN_HERE, LOG, "failed");
        runHere.execute(() -> ran.add("here"));
        SerialExecutor drop = new SerialExecutor(task -> {
            throw new RejectedExecutionException("stopped");
        }, SerialExecutor.WhenPoolStops.DROP, LOG, "failed");
        drop.execute(() -> ran.add("dropped"));
        assertThat(ran).containsExactly("here");
    }

    @Test
    void aTaskRunsHereOnlyWhenNothingElseRunsOrWaits() {
        Queue<Runnable> pool = new ArrayDeque<>();
        List<Integer> ran = new ArrayList<>();
        SerialExecutor serial = new SerialExecutor(pool::add, SerialExecutor.WhenPoolStops.DROP, LOG, "failed");
        assertThat(serial.runHereIfIdle(() -> ran.add(1), Long.MAX_VALUE)).isTrue();
        assertThat(ran).containsExactly(1);
        assertThat(pool).isEmpty();
        serial.execute(() -> ran.add(2));
        assertThat(serial.runHereIfIdle(() -> ran.add(3), Long.MAX_VALUE))
                .as("a task waits for the pool: the new one may not overtake it").isFalse();
        pool.poll().run();
        assertThat(ran).containsExactly(1, 2);
        assertThat(serial.runHereIfIdle(() -> ran.add(3), Long.MAX_VALUE)).isTrue();
        assertThat(ran).containsExactly(1, 2, 3);
    }

    @Test
    void tasksGivenWhileOneRunsHereFollowItHereWithinTheBudgetThenOnThePool() {
        Queue<Runnable> pool = new ArrayDeque<>();
        List<Integer> ran = new ArrayList<>();
        SerialExecutor serial = new SerialExecutor(pool::add, SerialExecutor.WhenPoolStops.DROP, LOG, "failed");
        serial.runHereIfIdle(() -> {
            serial.execute(() -> ran.add(2));
            ran.add(1);
        }, Long.MAX_VALUE);
        assertThat(ran).as("the task given from inside ran after it, here").containsExactly(1, 2);
        assertThat(pool).isEmpty();

        ran.clear();
        serial.runHereIfIdle(() -> {
            serial.execute(() -> ran.add(2));
            serial.execute(() -> ran.add(3));
            ran.add(1);
        }, 0);
        assertThat(ran).as("no budget left: the rest waits for the pool").containsExactly(1);
        assertThat(serial.runHereIfIdle(() -> ran.add(4), Long.MAX_VALUE)).isFalse();
        assertThat(pool).hasSize(1);
        pool.poll().run();
        assertThat(ran).containsExactly(1, 2, 3);
        assertThat(serial.runHereIfIdle(() -> ran.add(4), Long.MAX_VALUE)).isTrue();
        assertThat(ran).containsExactly(1, 2, 3, 4);
    }

    @Test
    void aTaskThatFailsHereIsLoggedAndTheNextStillRuns() {
        List<Integer> ran = new ArrayList<>();
        SerialExecutor serial = new SerialExecutor(task -> {
            throw new AssertionError("nothing goes to the pool");
        }, SerialExecutor.WhenPoolStops.DROP, LOG, "failed");
        serial.runHereIfIdle(() -> {
            serial.execute(() -> ran.add(2));
            throw new IllegalStateException("the service fails");
        }, Long.MAX_VALUE);
        assertThat(ran).containsExactly(2);
        assertThat(serial.runHereIfIdle(() -> ran.add(3), Long.MAX_VALUE)).isTrue();
    }

    @Test
    void aTaskAnotherThreadGivesWhileOneRunsHereWaitsForThePoolAndSoDoesWhatFollowsIt() throws Exception {
        Queue<Runnable> pool = new ArrayDeque<>();
        List<String> ran = new ArrayList<>();
        SerialExecutor serial = new SerialExecutor(pool::add, SerialExecutor.WhenPoolStops.DROP, LOG, "failed");
        serial.runHereIfIdle(() -> {
            Thread other = new Thread(() -> serial.execute(() -> ran.add("other thread's")));
            other.start();
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            serial.execute(() -> ran.add("this task's"));
            ran.add("first");
        }, Long.MAX_VALUE);
        assertThat(ran).as("only the first ran here: what it gave comes after the other thread's").containsExactly("first");
        assertThat(pool).hasSize(1);
        pool.poll().run();
        assertThat(ran).containsExactly("first", "other thread's", "this task's");
    }

    @Test
    void anErrorOfATaskIsLoggedAndTheNextStillRunsHereAndOnThePool() {
        Queue<Runnable> pool = new ArrayDeque<>();
        List<Integer> ran = new ArrayList<>();
        SerialExecutor serial = new SerialExecutor(pool::add, SerialExecutor.WhenPoolStops.DROP, LOG, "failed");
        serial.runHereIfIdle(() -> {
            serial.execute(() -> ran.add(2));
            throw new NoClassDefFoundError("a class of a refreshed bundle");
        }, Long.MAX_VALUE);
        assertThat(ran).containsExactly(2);
        serial.execute(() -> {
            throw new AssertionError("an error on the pool");
        });
        serial.execute(() -> ran.add(3));
        pool.poll().run();
        assertThat(ran).containsExactly(2, 3);
        assertThat(serial.runHereIfIdle(() -> ran.add(4), Long.MAX_VALUE)).as("nothing left marked running").isTrue();
    }
}
