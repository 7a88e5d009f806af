package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spin.SpinWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Callbacks in order, and pool threads that linger only where they may, with real threads. */
class SerialExecutorTest {
    private static final long WAIT_SECONDS = 10;

    private final List<SpinWindow> windows = new ArrayList<>();

    /** A window that has learned to stay awake for an hour. */
    private SpinWindow awakeForAnHour() {
        SpinWindow window = new SpinWindow(1, TimeUnit.HOURS);
        for (int i = 0; i < SpinWindow.SAMPLES; i++) {
            window.idleEnded(TimeUnit.MINUTES.toNanos(30));
        }
        windows.add(window);
        return window;
    }

    /** Lets lingering threads go back to the pool. */
    @AfterEach
    void release() {
        windows.forEach(w -> w.cap(0, TimeUnit.NANOSECONDS));
    }

    /**
     * Waits until no pool thread of another executor lingers: the permits to linger are shared by
     * the whole JVM, and threads of earlier tests may still hold them for their window.
     */
    private static void awaitNoThreadLingering() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (SerialExecutor.LINGERING.availablePermits() < SerialExecutor.MAX_LINGERING
                && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(SerialExecutor.LINGERING.availablePermits()).as("permits to linger, all free")
                .isEqualTo(SerialExecutor.MAX_LINGERING);
    }

    private static Thread runAndReturnThread(SerialExecutor executor) throws InterruptedException {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        });
        assertThat(ran.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the task ran").isTrue();
        return ranOn.get();
    }

    @Test
    void tasksRunOneAtATimeInSubmissionOrderWhileThePoolThreadLingers() throws Exception {
        SerialExecutor executor = new SerialExecutor(SerialExecutor.SHARED, Duration.ofMillis(1));
        List<Integer> seen = new ArrayList<>();
        int count = 20_000;
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            int n = i;
            executor.execute(() -> {
                seen.add(n);
                done.countDown();
            });
            if (i % 100 == 0) {
                Thread.yield();
            }
        }
        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < count; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aPoolThreadThatLearnedToLingerTakesTheNextTaskItself() throws Exception {
        SpinWindow window = awakeForAnHour();
        SerialExecutor executor = new SerialExecutor(SerialExecutor.SHARED, window);
        Thread first = null;
        for (int attempt = 0; attempt < 20 && first == null; attempt++) {
            awaitNoThreadLingering();
            Thread ran = runAndReturnThread(executor);
            Thread.sleep(50);
            // The permit to linger is shared by the whole JVM: a thread of another executor (a
            // client of an earlier test whose last callbacks came late) may have taken it between
            // the wait above and this task. Only then is the thread let off, and the task run again.
            if (ran.getState() == Thread.State.RUNNABLE || SerialExecutor.LINGERING.availablePermits() > 0) {
                first = ran;
            }
        }
        assertThat(first).as("a run while no other executor held the permit to linger").isNotNull();
        assertThat(first.getState()).as("the lingering thread, 50 ms later").isEqualTo(Thread.State.RUNNABLE);
        assertThat(runAndReturnThread(executor)).isSameAs(first);

        window.cap(0, TimeUnit.NANOSECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (first.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(first.getState()).as("back in the pool once the cap is 0").isNotEqualTo(Thread.State.RUNNABLE);
    }

    @Test
    void aDelegateThatRunsTasksInTheCallingThreadIsNeverHeld() throws Exception {
        // the event loop's own thread, when callbacks run on it: it must go back to its work at once
        SerialExecutor executor = new SerialExecutor(Runnable::run, awakeForAnHour());
        Thread caller = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                executor.execute(() -> { });
            }
        });
        caller.start();
        caller.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(caller.isAlive()).as("the calling thread is still held").isFalse();
    }

    @Test
    void tasksAddedWhileADrainEndsStillRunOnTheConfiguredExecutor() throws Exception {
        // A task that comes just as a drain finds the queue empty must not slip onto the shared pool.
        ExecutorService application = Executors.newSingleThreadExecutor(r -> new Thread(r, "application-callbacks"));
        try {
            SerialExecutor executor = new SerialExecutor(application, Duration.ZERO);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            int count = 200_000;
            CountDownLatch done = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                executor.execute(() -> {
                    threads.add(Thread.currentThread().getName());
                    done.countDown();
                });
            }
            assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("every task ran").isTrue();
            assertThat(threads).containsExactly("application-callbacks");
        } finally {
            application.shutdownNow();
        }
    }

    @Test
    void withADirectDelegateTasksRunOnlyOnTheThreadsThatSubmitThem() throws Exception {
        SerialExecutor executor = new SerialExecutor(Runnable::run, Duration.ZERO);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        int perThread = 100_000;
        CountDownLatch done = new CountDownLatch(2 * perThread);
        Runnable submitMany = () -> {
            for (int i = 0; i < perThread; i++) {
                executor.execute(() -> {
                    threads.add(Thread.currentThread().getName());
                    done.countDown();
                });
            }
        };
        Thread first = new Thread(submitMany, "submitter-1");
        Thread second = new Thread(submitMany, "submitter-2");
        first.start();
        second.start();
        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("every task ran").isTrue();
        assertThat(threads).isSubsetOf("submitter-1", "submitter-2");
    }

    @Test
    void noMoreThanTheLimitOfPoolThreadsLingerAtOnce() throws Exception {
        List<Thread> ranOn = new ArrayList<>();
        awaitNoThreadLingering();
        for (int i = 0; i < SerialExecutor.MAX_LINGERING + 2; i++) {
            ranOn.add(runAndReturnThread(new SerialExecutor(SerialExecutor.SHARED, awakeForAnHour())));
        }
        Thread.sleep(50);
        long awake = ranOn.stream().distinct().filter(t -> t.getState() == Thread.State.RUNNABLE).count();
        assertThat(awake).isLessThanOrEqualTo(SerialExecutor.MAX_LINGERING);
    }
}
