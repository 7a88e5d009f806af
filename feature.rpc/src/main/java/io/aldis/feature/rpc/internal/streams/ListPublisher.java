package io.aldis.feature.rpc.internal.streams;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The items of a batch (a streamed parameter given as a JSON array) as the publisher a streaming
 * method takes: each subscriber gets the items in order, as it requests them, on the thread that
 * requests them, and then completion.
 */
public final class ListPublisher<T> implements Flow.Publisher<T> {
    private final List<? extends T> items;

    public ListPublisher(List<? extends T> items) {
        this.items = List.copyOf(items);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Emitter<T> emitter = new Emitter<>(items, subscriber);
        subscriber.onSubscribe(emitter);
        if (items.isEmpty()) {
            emitter.finish();
        }
    }

    private static final class Emitter<T> implements Flow.Subscription {
        private final List<? extends T> items;
        private final Flow.Subscriber<? super T> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private int next;
        private volatile boolean done;

        Emitter(List<? extends T> items, Flow.Subscriber<? super T> subscriber) {
            this.items = items;
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (done) {
                return;
            }
            if (n <= 0) {
                done = true;
                subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive"));
                return;
            }
            // The thread that raises demand from zero emits; a request from inside onNext only adds.
            if (demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b) != 0) {
                return;
            }
            long emitted = 0;
            for (;;) {
                long wanted = demand.get();
                while (emitted < wanted && !done && next < items.size()) {
                    subscriber.onNext(items.get(next++));
                    emitted++;
                }
                if (!done && next == items.size()) {
                    finish();
                    return;
                }
                if (done || demand.addAndGet(-emitted) == 0) {
                    return;
                }
                emitted = 0;
            }
        }

        void finish() {
            if (!done) {
                done = true;
                subscriber.onComplete();
            }
        }

        @Override
        public void cancel() {
            done = true;
        }
    }
}
