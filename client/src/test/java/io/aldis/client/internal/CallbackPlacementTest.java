package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The default callback executor: callbacks on the I/O thread that submits them while they return
 * within the limit, on the shared pool once they are seen not to, and back after a run of prompt
 * ones; with a single real thread standing in for the client's I/O thread.
 */
class CallbackPlacementTest {
    private static final long WAIT_SECONDS = 10;
    private static final long LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-io"));
    private final List<String> ranOn = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    private static boolean onTestIo() {
        return Thread.currentThread().getName().equals("test-io");
    }

    private static CallbackPlacement placement(long limitNanos) {
        return new CallbackPlacement(CallbackPlacementTest::onTestIo, limitNanos);
    }

    private static SerialExecutor judged(long limitNanos) {
        return new SerialExecutor(placement(limitNanos), Duration.ZERO);
    }

    /** Submits {@code count} tasks from the I/O thread, each noting its thread, and waits for them all. */
    private void submitFromIo(SerialExecutor executor, int count) throws Exception {
        CountDownLatch done = new CountDownLatch(count);
        io.submit(() -> {
            for (int i = 0; i < count; i++) {
                executor.execute(() -> {
                    ranOn.add(Thread.currentThread().getName());
                    done.countDown();
                });
            }
        }).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the callbacks ran").isTrue();
    }

    @Test
    void promptCallbacksRunOnTheIoThreadThatSubmitsThem() throws Exception {
        submitFromIo(judged(LIMIT_NANOS), 100);

        assertThat(ranOn).hasSize(100).containsOnly("test-io");
    }

    @Test
    void callbacksFromOtherThreadsRunOnThePool() throws Exception {
        SerialExecutor executor = judged(LIMIT_NANOS);
        CountDownLatch done = new CountDownLatch(1);
        executor.execute(() -> {
            ranOn.add(Thread.currentThread().getName());
            done.countDown();
        });

        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn).singleElement().asString().startsWith("aldis-client-callbacks-");
    }

    @Test
    void aZeroLimitKeepsEveryCallbackOnThePool() throws Exception {
        submitFromIo(judged(0), 20);

        assertThat(ranOn).hasSize(20).allMatch(name -> name.startsWith("aldis-client-callbacks-"));
    }

    @Test
    void aSecondCallbackPastTheLimitSendsTheRestToThePoolInOrder() throws Exception {
        CallbackPlacement placement = placement(LIMIT_NANOS);
        SerialExecutor executor = new SerialExecutor(placement, Duration.ZERO);
        // the first is forgiven: a pause of the machine may have caught it
        io.submit(() -> executor.execute(CallbackPlacementTest::sleepPastTheLimit)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(placement.sentAway()).isZero();
        submitFromIo(executor, 10);
        assertThat(ranOn).containsOnly("test-io");

        ranOn.clear();
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        io.submit(() -> {
            executor.execute(() -> {
                order.add("long");
                ranOn.add(Thread.currentThread().getName());
                // submitted while the long one runs: queued behind it
                executor.execute(() -> {
                    order.add("queued behind it");
                    ranOn.add(Thread.currentThread().getName());
                    done.countDown();
                });
                sleepPastTheLimit();
                done.countDown();
            });
            executor.execute(() -> {
                order.add("submitted after it");
                ranOn.add(Thread.currentThread().getName());
                done.countDown();
            });
        }).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(done.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(order).containsExactly("long", "queued behind it", "submitted after it");
        assertThat(ranOn.get(0)).isEqualTo("test-io");
        assertThat(ranOn.subList(1, 3)).allMatch(name -> name.startsWith("aldis-client-callbacks-"));
        assertThat(placement.sentAway()).isEqualTo(1);

        ranOn.clear();
        submitFromIo(executor, 10);
        assertThat(ranOn).as("callbacks after the long one").hasSize(10)
                .allMatch(name -> name.startsWith("aldis-client-callbacks-"));
    }

    @Test
    void aCallbackFarPastTheLimitSendsThemToThePoolByItself() throws Exception {
        CallbackPlacement placement = placement(TimeUnit.MICROSECONDS.toNanos(500));
        SerialExecutor executor = new SerialExecutor(placement, Duration.ZERO);

        // 100 ms: 200 times the limit
        io.submit(() -> executor.execute(CallbackPlacementTest::sleepPastTheLimit)).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(placement.sentAway()).isEqualTo(1);
    }

    @Test
    void aCallbackPastTheLimitLongAfterTheLastIsForgivenAgain() throws Exception {
        CallbackPlacement placement = placement(LIMIT_NANOS);
        SerialExecutor executor = new SerialExecutor(placement, Duration.ZERO);
        io.submit(() -> executor.execute(CallbackPlacementTest::sleepPastTheLimit)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        submitFromIo(executor, OnLoopPolicy.CONFIRM_WITHIN);

        io.submit(() -> executor.execute(CallbackPlacementTest::sleepPastTheLimit)).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(placement.sentAway()).isZero();
    }

    @Test
    void promptCallbacksOnThePoolBringThemBackToTheIoThread() throws Exception {
        CallbackPlacement placement = placement(LIMIT_NANOS);
        SerialExecutor executor = new SerialExecutor(placement, Duration.ZERO);
        for (int i = 0; i < 2; i++) {
            io.submit(() -> executor.execute(CallbackPlacementTest::sleepPastTheLimit)).get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        // the I/O thread judged the long callbacks before it took the next task from this test
        assertThat(placement.sentAway()).isEqualTo(1);

        submitFromIo(executor, OnLoopPolicy.FIRST_PROBATION);
        assertThat(ranOn).as("the probation").allMatch(name -> name.startsWith("aldis-client-callbacks-"));

        // The pool thread may still be ending its drain when the next ones come; they go to it then.
        boolean back = false;
        for (int round = 0; round < 100 && !back; round++) {
            ranOn.clear();
            submitFromIo(executor, 10);
            back = ranOn.stream().allMatch("test-io"::equals);
        }
        assertThat(back).as("callbacks back on the I/O thread after the probation").isTrue();
        assertThat(placement.sentAway()).isEqualTo(1);
    }

    /** A batch that says its longest callback took {@code longestNanos}, however long it ran in all. */
    private static SerialExecutor.Batch batch(Runnable work, long longestNanos) {
        return new SerialExecutor.Batch() {
            @Override
            public void run() {
                work.run();
            }

            @Override
            public long longestNanos() {
                return longestNanos;
            }
        };
    }

    @Test
    void aBatchIsJudgedByItsLongestCallbackNotByItsWholeTime() throws Exception {
        CallbackPlacement placement = placement(LIMIT_NANOS);
        SerialExecutor executor = new SerialExecutor(placement, Duration.ZERO);
        // many prompt callbacks that took twice the limit together, twice
        for (int i = 0; i < 2; i++) {
            io.submit(() -> executor.execute(batch(CallbackPlacementTest::sleepPastTheLimit, LIMIT_NANOS / 10)))
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        assertThat(placement.sentAway()).isZero();
        submitFromIo(executor, 10);
        assertThat(ranOn).containsOnly("test-io");

        // one slow callback among prompt ones, twice
        for (int i = 0; i < 2; i++) {
            io.submit(() -> executor.execute(batch(CallbackPlacementTest::sleepPastTheLimit, 2 * LIMIT_NANOS)))
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        assertThat(placement.sentAway()).isEqualTo(1);
    }

    private static void sleepPastTheLimit() {
        try {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(LIMIT_NANOS) * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
