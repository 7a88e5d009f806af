package io.aldis.client.internal;

import java.util.List;
import java.util.concurrent.Flow;

/**
 * A publisher of fixed items that honours demand and records what it was asked: how many items were
 * requested in all, how often it was subscribed, whether it was cancelled. It can fail after its
 * items instead of completing. Signals run on the thread that requests.
 */
final class WatchedPublisher<T> implements Flow.Publisher<T> {
    private final List<T> items;
    private final RuntimeException failure;
    long requested;
    int subscriptions;
    boolean cancelled;
    private int next;
    private long demand;
    private boolean over;
    private boolean emitting;

    WatchedPublisher(List<T> items) {
        this(items, null);
    }

    WatchedPublisher(List<T> items, RuntimeException failure) {
        this.items = items;
        this.failure = failure;
    }

    @Override
    public synchronized void subscribe(Flow.Subscriber<? super T> subscriber) {
        subscriptions++;
        next = 0;
        demand = 0;
        over = false;
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                synchronized (WatchedPublisher.this) {
                    requested += n;
                    demand += n;
                }
                emit(subscriber);
            }

            @Override
            public void cancel() {
                synchronized (WatchedPublisher.this) {
                    cancelled = true;
                    over = true;
                }
            }
        });
        emit(subscriber);
    }

    private void emit(Flow.Subscriber<? super T> subscriber) {
        synchronized (this) {
            if (emitting) {
                return; // the outer loop sees the new demand
            }
            emitting = true;
        }
        try {
            for (;;) {
                T item;
                boolean end;
                synchronized (this) {
                    if (over) {
                        return;
                    }
                    end = next == items.size();
                    if (!end && demand == 0) {
                        return;
                    }
                    if (end) {
                        over = true;
                        item = null;
                    } else {
                        demand--;
                        item = items.get(next++);
                    }
                }
                if (end) {
                    if (failure != null) {
                        subscriber.onError(failure);
                    } else {
                        subscriber.onComplete();
                    }
                    return;
                }
                subscriber.onNext(item);
            }
        } finally {
            synchronized (this) {
                emitting = false;
            }
        }
    }
}
