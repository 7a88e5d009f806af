package io.aldis.protocol.api.stream;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A publisher of the items of a list: each subscriber gets every item in order, as it requests
 * them, on the thread that requests them, and then completion. This is how a streamed parameter
 * that came as a batch (docs/protocol.md 6.4.1) reaches a method that takes a
 * {@code Flow.Publisher}, in the node and in the Java client alike.
 *
 * @param <T> the items' type
 */
public final class ListPublisher<T> implements Flow.Publisher<T> {
    private final List<? extends T> items;

    /** Publishes a copy of {@code items}, which holds no null (a Flow item never is). */
    public ListPublisher(List<? extends T> items) {
        this.items = List.copyOf(items);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Delivery<T> delivery = new Delivery<>(subscriber, items);
        subscriber.onSubscribe(delivery);
        delivery.drain();
    }

    private static final class Delivery<T> implements Flow.Subscription {
        private final Flow.Subscriber<? super T> subscriber;
        private final List<? extends T> items;
        private final AtomicInteger wip = new AtomicInteger();
        private int next;
        private long demand;
        private boolean stopped;
        private Throwable badRequest;

        Delivery(Flow.Subscriber<? super T> subscriber, List<? extends T> items) {
            this.subscriber = subscriber;
            this.items = items;
        }

        @Override
        public void request(long n) {
            synchronized (this) {
                if (n <= 0) {
                    badRequest = new IllegalArgumentException("request(" + n + "): at least one item must be requested");
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
            }
            drain();
        }

        @Override
        public synchronized void cancel() {
            stopped = true;
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                for (;;) {
                    T item = null;
                    Throwable error = null;
                    boolean completeNow = false;
                    synchronized (this) {
                        if (stopped) {
                            break;
                        }
                        if (badRequest != null) {
                            stopped = true;
                            error = badRequest;
                        } else if (next == items.size()) {
                            stopped = true;
                            completeNow = true;
                        } else if (demand == 0) {
                            break;
                        } else {
                            item = items.get(next++);
                            demand--;
                        }
                    }
                    if (error != null) {
                        subscriber.onError(error);
                        break;
                    }
                    if (completeNow) {
                        subscriber.onComplete();
                        break;
                    }
                    subscriber.onNext(item);
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
