package io.aldis.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** A subscriber that records what it is given and requests only when the test says so. */
final class RecordingSubscriber<T> implements Flow.Subscriber<T> {
    final List<T> items = new ArrayList<>();
    /** Completes with null on onComplete, fails with the error on onError. */
    final CompletableFuture<Void> done = new CompletableFuture<>();
    /** What happened, in order: "item", "complete", "error". */
    final List<String> log = new ArrayList<>();
    Flow.Subscription subscription;
    /** When set, run after each item is recorded, inside onNext. */
    Runnable onEachItem;

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
    }

    @Override
    public void onNext(T item) {
        items.add(item);
        log.add("item");
        if (onEachItem != null) {
            onEachItem.run();
        }
    }

    @Override
    public void onError(Throwable error) {
        log.add("error");
        done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        log.add("complete");
        done.complete(null);
    }

    void request(long n) {
        subscription.request(n);
    }

    Throwable error() {
        return done.handle((v, e) -> e).join();
    }
}
