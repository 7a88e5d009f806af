package io.aldis.client.internal.stream;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A publisher of the items of a list, as a provided method receives a streamed parameter that came
 * as a batch: each subscriber gets every item, as it requests them, in order.
 *
 * @param <T> the items' type
 */
public final class ListPublisher<T> implements Flow.Publisher<T> {
    private final List<T> items;

    /** Publishes {@code items}; the list is not copied and must not change afterwards. */
    public ListPublisher(List<T> items) {
        this.items = items;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Delivery<T> delivery = new Delivery<>(subscriber, items);
        subscriber.onSubscribe(delivery);
        delivery.drain();
    }

    private static final class Delivery<T> implements Flow.Subscription {
        private final Flow.Subscriber<? super T> subscriber;
        private final List<T> items;
        private final AtomicInteger wip = new AtomicInteger();
        private int next;
        private long demand;
        private boolean stopped;
        private Throwable badRequest;

        Delivery(Flow.Subscriber<? super T> subscriber, List<T> items) {
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
