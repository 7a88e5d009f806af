package io.aldis.feature.rpc.internal.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spin.SpinWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The worker pool with real threads; every wait is bounded so that a lost wake-up fails the test. */
class WorkerPoolTest {
    private static final long WAIT_SECONDS = 10;

    private final AtomicInteger started = new AtomicInteger();
    private final List<WorkerPool> pools = new ArrayList<>();

    private WorkerPool pool(int maxThreads, int capacity) {
        return pool(maxThreads, capacity, new SpinWindow(0, TimeUnit.NANOSECONDS));
    }

    private WorkerPool pool(int maxThreads, int capacity, SpinWindow spinWindow) {
        WorkerPool pool = new WorkerPool(maxThreads, capacity, 30, TimeUnit.SECONDS, r -> {
            Thread t = new Thread(r, "worker-pool-test-" + started.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, spinWindow);
        pools.add(pool);
        return pool;
    }

    /**
     * A pool whose idle threads have learned to stay awake for an hour: calls came half an hour
     * after the pool ran out of work, within a cap of an hour.
     */
    private WorkerPool poolThatStaysAwake(int maxThreads, int capacity) {
        SpinWindow window = new SpinWindow(1, TimeUnit.HOURS);
        for (int i = 0; i < SpinWindow.SAMPLES; i++) {
            window.idleEnded(TimeUnit.MINUTES.toNanos(30));
        }
        return pool(maxThreads, capacity, window);
    }

    @AfterEach
    void shutDown() {
        pools.forEach(WorkerPool::shutdown);
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("waited for the pool's threads").isTrue();
    }

    /**
     * Submits from two threads at once, as several event loops do, in bursts with pauses between;
     * with and without an idle thread staying awake for a while before it parks.
     */
    @ParameterizedTest(name = "spin cap {0} µs")
    @ValueSource(longs = {0, 50, 3_600_000_000L})
    void everyTaskRunsExactlyOnceWhenSubmittedInBurstsFromSeveralThreads(long spinMicros) throws Exception {
        WorkerPool pool = spinMicros > 1_000_000 ? poolThatStaysAwake(3, 100_000) : pool(3, 100_000);
        if (spinMicros <= 1_000_000) {
            pool.spinBeforePark(spinMicros, TimeUnit.MICROSECONDS);
        }
        int perSubmitter = 20_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(2 * perSubmitter);
        CountDownLatch done = new CountDownLatch(2 * perSubmitter);
        List<Thread> submitters = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            int base = s * perSubmitter;
            Thread submitter = new Thread(() -> {
                for (int i = 0; i < perSubmitter; i++) {
                    int index = base + i;
                    assertThat(pool.execute(() -> {
                        runs.incrementAndGet(index);
                        done.countDown();
                    })).isTrue();
                    if (i % 64 == 0) {
                        // lets the workers run dry and park, so the wake-up path is taken often
                        Thread.yield();
                    }
                }
            });
            submitters.add(submitter);
            submitter.start();
        }
        for (Thread submitter : submitters) {
            submitter.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
        await(done);
        for (int i = 0; i < runs.length(); i++) {
            assertThat(runs.get(i)).as("runs of task %d", i).isEqualTo(1);
        }
        assertThat(pool.threads()).isLessThanOrEqualTo(3);
    }

    @Test
    void aTaskSubmittedAfterThePoolWentIdleStillRuns() throws Exception {
        WorkerPool pool = pool(2, 10);
        for (int round = 0; round < 200; round++) {
            CountDownLatch ran = new CountDownLatch(1);
            assertThat(pool.execute(ran::countDown)).isTrue();
            await(ran);
        }
    }

    @Test
    void refusesTasksBeyondTheQueueCapacityAndAcceptsThemOnceTheQueueDrains() throws Exception {
        WorkerPool pool = pool(1, 2);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        assertThat(pool.execute(() -> {
            running.countDown();
            awaitQuietly(release);
        })).isTrue();
        await(running);
        CountDownLatch queued = new CountDownLatch(2);
        assertThat(pool.execute(queued::countDown)).isTrue();
        assertThat(pool.execute(queued::countDown)).isTrue();
        assertThat(pool.execute(() -> { })).as("a third waiting task").isFalse();

        release.countDown();
        await(queued);
        CountDownLatch later = new CountDownLatch(1);
        assertThat(pool.execute(later::countDown)).isTrue();
        await(later);
    }

    @Test
    void blockingTasksGetAThreadEachUpToTheLimitAndNeverMore() throws Exception {
        WorkerPool pool = pool(3, 10);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger mostConcurrent = new AtomicInteger();
        CountDownLatch threeRunning = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            assertThat(pool.execute(() -> {
                mostConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                threeRunning.countDown();
                awaitQuietly(release);
                concurrent.decrementAndGet();
                finished.countDown();
            })).isTrue();
        }
        // three tasks block at once, so three threads run them; the other two wait for one
        await(threeRunning);
        assertThat(concurrent.get()).isEqualTo(3);
        release.countDown();
        await(finished);
        assertThat(mostConcurrent.get()).isEqualTo(3);
        assertThat(pool.threads()).isEqualTo(3);
    }

    @Test
    void cancellingARunningFutureTaskInterruptsItAndTheNextTaskStartsUninterrupted() throws Exception {
        WorkerPool pool = pool(1, 10);
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        FutureTask<Void> slow = new FutureTask<>(() -> {
            running.countDown();
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                sawInterrupt.set(true);
            }
        }, null);
        assertThat(pool.execute(slow)).isTrue();
        await(running);
        slow.cancel(true);

        // one thread only, so the next task runs on the thread that was interrupted
        AtomicBoolean nextInterrupted = new AtomicBoolean(true);
        CountDownLatch nextRan = new CountDownLatch(1);
        assertThat(pool.execute(() -> {
            nextInterrupted.set(Thread.currentThread().isInterrupted());
            nextRan.countDown();
        })).isTrue();
        await(nextRan);
        assertThat(sawInterrupt).isTrue();
        assertThat(nextInterrupted).isFalse();
    }

    @Test
    void aTaskThatThrowsDoesNotCostTheThreadOrTheTasksBehindIt() throws Exception {
        WorkerPool pool = pool(1, 10);
        assertThat(pool.execute(() -> {
            throw new IllegalStateException("a failing method");
        })).isTrue();
        CountDownLatch after = new CountDownLatch(1);
        assertThat(pool.execute(after::countDown)).isTrue();
        await(after);
        assertThat(pool.threads()).isEqualTo(1);
    }

    @Test
    void growingThePoolStartsThreadsForTasksThatAlreadyWait() throws Exception {
        WorkerPool pool = pool(1, 10);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstRunning = new CountDownLatch(1);
        assertThat(pool.execute(() -> {
            firstRunning.countDown();
            awaitQuietly(release);
        })).isTrue();
        await(firstRunning);
        CountDownLatch secondRan = new CountDownLatch(1);
        assertThat(pool.execute(secondRan::countDown)).isTrue();
        // the only thread is blocked: only a second thread can run the waiting task
        pool.resize(2, 10);
        await(secondRan);
        release.countDown();
    }

    @Test
    void shrinkingThePoolEndsTheExtraThreadsAfterTheirTasks() throws Exception {
        WorkerPool pool = pool(3, 10);
        CountDownLatch threeRunning = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            pool.execute(() -> {
                threeRunning.countDown();
                awaitQuietly(release);
            });
        }
        await(threeRunning);
        pool.resize(1, 10);
        release.countDown();
        // a thread retires when it finishes a task while the pool has too many
        awaitThreads(pool, 1);
        CountDownLatch ran = new CountDownLatch(1);
        assertThat(pool.execute(ran::countDown)).isTrue();
        await(ran);
        assertThat(pool.threads()).isEqualTo(1);
    }

    @Test
    void afterShutdownTasksAreRefusedAndTheThreadsEnd() throws Exception {
        WorkerPool pool = pool(2, 10);
        CountDownLatch ran = new CountDownLatch(2);
        pool.execute(ran::countDown);
        pool.execute(ran::countDown);
        await(ran);
        pool.shutdown();
        assertThat(pool.execute(() -> { })).isFalse();
        awaitThreads(pool, 0);
    }

    @Test
    void limitsBelowOneAreRefused() {
        assertThatThrownBy(() -> pool(0, 10)).isInstanceOf(IllegalArgumentException.class);
        WorkerPool pool = pool(1, 1);
        assertThatThrownBy(() -> pool.resize(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.spinBeforePark(-1, TimeUnit.MICROSECONDS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anIdleThreadStaysAwakeWhileTheSpinWindowLastsAndParksOnceTheCapIsSetToZero() throws Exception {
        WorkerPool pool = poolThatStaysAwake(1, 10);
        Thread worker = runAndReturnThread(pool);
        // a parked thread would show as TIMED_WAITING; a yielding one stays RUNNABLE
        for (int i = 0; i < 10; i++) {
            Thread.sleep(20);
            assertThat(worker.getState()).as("state of the idle worker").isEqualTo(Thread.State.RUNNABLE);
        }
        // the awake thread takes the next task itself
        assertThat(runAndReturnThread(pool)).isSameAs(worker);
        assertThat(pool.threads()).isEqualTo(1);

        pool.spinBeforePark(0, TimeUnit.MICROSECONDS);
        awaitState(worker, Thread.State.TIMED_WAITING);
        assertThat(runAndReturnThread(pool)).as("a parked thread is woken for the next task").isSameAs(worker);
    }

    @Test
    void onlyOneIdleThreadStaysAwakeTheOthersPark() throws Exception {
        WorkerPool pool = poolThatStaysAwake(2, 10);
        List<Thread> workers = new ArrayList<>();
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            assertThat(pool.execute(() -> {
                synchronized (workers) {
                    workers.add(Thread.currentThread());
                }
                bothRunning.countDown();
                awaitQuietly(release);
            })).isTrue();
        }
        await(bothRunning);
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (parkedAmong(workers) != 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(parkedAmong(workers)).as("parked workers of two idle ones").isEqualTo(1);
        Thread.sleep(50);
        assertThat(parkedAmong(workers)).as("parked workers of two idle ones, a moment later").isEqualTo(1);
    }

    @Test
    void shutdownEndsAThreadThatStaysAwake() throws Exception {
        WorkerPool pool = poolThatStaysAwake(1, 10);
        Thread worker = runAndReturnThread(pool);
        pool.shutdown();
        worker.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(worker.isAlive()).isFalse();
        assertThat(pool.threads()).isZero();
    }

    @Test
    void withoutCallsThatCameSoonAnIdleThreadParksAtOnceWhateverTheCap() throws Exception {
        WorkerPool pool = pool(1, 10, new SpinWindow(1, TimeUnit.HOURS));
        Thread worker = runAndReturnThread(pool);
        awaitState(worker, Thread.State.TIMED_WAITING);
    }

    @Test
    void thePoolLearnsHowSoonCallsComeAfterItRanOutOfWork() throws Exception {
        SpinWindow window = new SpinWindow(1, TimeUnit.HOURS);
        for (int i = 0; i < SpinWindow.SAMPLES; i++) {
            window.idleEnded(TimeUnit.MICROSECONDS.toNanos(10));
        }
        WorkerPool pool = pool(1, 10, window);
        // calls that come at least 20 ms after the last one ended, more than half of the samples
        for (int i = 0; i < SpinWindow.SAMPLES / 2 + 1; i++) {
            runAndReturnThread(pool);
            Thread.sleep(20);
        }
        runAndReturnThread(pool);
        assertThat(window.windowNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
    }

    /** Runs a task and returns the thread that ran it. */
    private static Thread runAndReturnThread(WorkerPool pool) throws InterruptedException {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        assertThat(pool.execute(() -> {
            ranOn.set(Thread.currentThread());
            ran.countDown();
        })).isTrue();
        await(ran);
        return ranOn.get();
    }

    private static long parkedAmong(List<Thread> threads) {
        synchronized (threads) {
            return threads.stream().filter(t -> t.getState() == Thread.State.TIMED_WAITING).count();
        }
    }

    private static void awaitState(Thread thread, Thread.State expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (thread.getState() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(thread.getState()).isEqualTo(expected);
    }

    private static void awaitThreads(WorkerPool pool, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (pool.threads() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(pool.threads()).isEqualTo(expected);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
