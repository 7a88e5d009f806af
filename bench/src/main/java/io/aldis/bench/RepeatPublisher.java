package io.aldis.bench;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An endless publisher of one item, produced only as it is requested: the source of every stream
 * the benchmarks send, on the node and in the clients. Each subscriber gets its own sequence;
 * {@code produced} counts the items handed to all of them.
 */
final class RepeatPublisher implements Flow.Publisher<byte[]> {
    private final byte[] item;
    private final AtomicLong produced;

    RepeatPublisher(byte[] item, AtomicLong produced) {
        this.item = item;
        this.produced = produced;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super byte[]> subscriber) {
        subscriber.onSubscribe(new Emission(subscriber));
    }

    /**
     * One subscriber's demand. Whichever thread raises it from zero emits until it is spent; a
     * request made meanwhile (from inside {@code onNext} too) only adds to it, so {@code onNext}
     * is never called concurrently nor re-entered.
     */
    private final class Emission implements Flow.Subscription {
        private final Flow.Subscriber<? super byte[]> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger drainers = new AtomicInteger();
        private volatile boolean cancelled;

        Emission(Flow.Subscriber<? super byte[]> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancelled = true;
                subscriber.onError(new IllegalArgumentException("request(" + n + "): must be positive (Reactive Streams 3.9)"));
                return;
            }
            demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            if (drainers.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                long wanted = demand.get();
                long emitted = 0;
                while (emitted < wanted && !cancelled) {
                    subscriber.onNext(item);
                    produced.incrementAndGet();
                    emitted++;
                }
                if (wanted != Long.MAX_VALUE) {
                    demand.addAndGet(-emitted);
                }
                missed = drainers.addAndGet(-missed);
            } while (missed != 0 && !cancelled);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }
}
