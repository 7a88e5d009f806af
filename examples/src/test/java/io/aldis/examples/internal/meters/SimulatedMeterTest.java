package io.aldis.examples.internal.meters;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.examples.api.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class SimulatedMeterTest {

    /** Records every signal, and notices two signals that overlap. */
    private static final class Recorder implements Flow.Subscriber<Reading> {
        final List<Long> wattHours = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicBoolean overlapped = new AtomicBoolean();
        final AtomicInteger deepest = new AtomicInteger();
        private final AtomicInteger inside = new AtomicInteger();
        private final BiConsumer<Recorder, Reading> onEach;
        Flow.Subscription subscription;

        Recorder(BiConsumer<Recorder, Reading> onEach) {
            this.onEach = onEach;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public void onNext(Reading reading) {
            int depth = inside.incrementAndGet();
            deepest.accumulateAndGet(depth, Math::max);
            wattHours.add(reading.wattHours());
            onEach.accept(this, reading);
            inside.decrementAndGet();
        }

        @Override
        public void onError(Throwable failure) {
            errors.add(failure);
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
        }
    }

    private static Recorder subscribe(int count, BiConsumer<Recorder, Reading> onEach) {
        Recorder recorder = new Recorder(onEach);
        new SimulatedMeter("kitchen", count).subscribe(recorder);
        return recorder;
    }

    @Test
    void makesOnlyTheReadingsAskedFor() {
        Recorder r = subscribe(10, (self, reading) -> { });
        assertThat(r.wattHours).isEmpty();
        r.subscription.request(3);
        assertThat(r.wattHours).containsExactly(10L, 20L, 30L);
        assertThat(r.completions).hasValue(0);
        r.subscription.request(2);
        assertThat(r.wattHours).containsExactly(10L, 20L, 30L, 40L, 50L);
    }

    @Test
    void completesAfterTheLastReadingWithoutBeingAskedAgain() {
        Recorder r = subscribe(3, (self, reading) -> { });
        r.subscription.request(3);
        assertThat(r.wattHours).containsExactly(10L, 20L, 30L);
        assertThat(r.completions).hasValue(1);
        r.subscription.request(5);
        assertThat(r.wattHours).hasSize(3);
        assertThat(r.completions).hasValue(1);
    }

    @Test
    void aMeterWithoutReadingsCompletesAtOnce() {
        Recorder r = subscribe(0, (self, reading) -> { });
        assertThat(r.completions).hasValue(1);
        assertThat(r.wattHours).isEmpty();
    }

    @Test
    void aRequestFromInsideOnNextDoesNotRecurse() {
        Recorder r = subscribe(1000, (self, reading) -> self.subscription.request(1));
        r.subscription.request(1);
        assertThat(r.wattHours).hasSize(1000);
        assertThat(r.deepest).as("onNext never runs inside onNext").hasValue(1);
        assertThat(r.completions).hasValue(1);
    }

    @Test
    void demandAddsUpWithoutOverflowing() {
        Recorder r = subscribe(5, (self, reading) -> { });
        r.subscription.request(Long.MAX_VALUE);
        r.subscription.request(Long.MAX_VALUE);
        assertThat(r.wattHours).hasSize(5);
        assertThat(r.completions).hasValue(1);
        assertThat(r.errors).isEmpty();
    }

    @Test
    void aRequestBelowOneEndsTheSubscriptionWithAnError() {
        Recorder r = subscribe(10, (self, reading) -> { });
        r.subscription.request(0);
        assertThat(r.errors).singleElement().isInstanceOf(IllegalArgumentException.class);
        r.subscription.request(5);
        assertThat(r.wattHours).isEmpty();
        assertThat(r.completions).hasValue(0);
    }

    @Test
    void nothingIsMadeAfterCancel() {
        Recorder r = subscribe(10, (self, reading) -> {
            if (reading.wattHours() == 20L) {
                self.subscription.cancel();
            }
        });
        r.subscription.request(5);
        assertThat(r.wattHours).containsExactly(10L, 20L);
        r.subscription.request(5);
        assertThat(r.wattHours).containsExactly(10L, 20L);
        assertThat(r.completions).hasValue(0);
    }

    @Test
    void requestsFromManyThreadsGetEveryReadingOnceInOrderWithoutOverlap() throws Exception {
        int threads = 4;
        int requestsEach = 500;
        Recorder r = subscribe(threads * requestsEach, (self, reading) -> { });
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> requesters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread requester = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < requestsEach; i++) {
                    r.subscription.request(1);
                }
            });
            requesters.add(requester);
            requester.start();
        }
        start.countDown();
        for (Thread requester : requesters) {
            requester.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(r.deepest).as("signals never overlap").hasValue(1);
        assertThat(r.wattHours).hasSize(threads * requestsEach);
        for (int i = 0; i < r.wattHours.size(); i++) {
            assertThat(r.wattHours.get(i)).isEqualTo(10L * (i + 1));
        }
        assertThat(r.completions).hasValue(1);
    }
}
