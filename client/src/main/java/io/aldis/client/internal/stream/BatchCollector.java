package io.aldis.client.internal.stream;

import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Collects a publisher's items into one JSON array for a batch (docs/protocol.md 6.4.1), within a
 * byte limit: past it the subscription is cancelled and the batch fails with
 * {@code MESSAGE_TOO_LARGE}, so memory stays bounded by the limit whatever the publisher holds.
 */
public final class BatchCollector implements Flow.Subscriber<Object> {
    private final ItemCodec codec;
    private final int limit;
    private final String tooLargeMessage;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream json = new ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private boolean done;

    private BatchCollector(ItemCodec codec, int limit, String tooLargeMessage) {
        this.codec = codec;
        this.limit = limit;
        this.tooLargeMessage = tooLargeMessage;
        json.write('[');
    }

    /**
     * The items of {@code source} as one JSON array of at most {@code limit} bytes. The future fails
     * with an {@link RpcCallException}: {@code MESSAGE_TOO_LARGE} with {@code tooLargeMessage}
     * beyond the limit, {@code STREAM_FAILED} when the publisher fails.
     */
    static CompletableFuture<byte[]> collect(Flow.Publisher<?> source, ItemCodec codec, int limit,
            String tooLargeMessage) {
        BatchCollector collector = new BatchCollector(codec, limit, tooLargeMessage);
        collector.result.whenComplete((v, e) -> {
            if (collector.result.isCancelled()) {
                collector.cancelSubscription();
            }
        });
        try {
            source.subscribe(collector);
        } catch (RuntimeException e) {
            collector.finish(new RpcCallException(ErrorCode.STREAM_FAILED.code(),
                    "the publisher could not be subscribed: " + e.getMessage(), "", e));
        }
        return collector.result;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        if (subscription != null || done) {
            s.cancel();
            return;
        }
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object item) {
        Flow.Subscription cancel = null;
        synchronized (this) {
            if (done) {
                return;
            }
            byte[] element;
            try {
                element = codec.encodeForBatch(item);
            } catch (Exception e) {
                cancel = subscription;
                finishLocked(new RpcCallException(ErrorCode.STREAM_FAILED.code(), "an item cannot be encoded as JSON ("
                        + (item == null ? "null" : item.getClass().getSimpleName()) + ")", "", e));
                element = null;
            }
            if (element != null) {
                // the comma before it and the closing bracket still to come
                if ((long) json.size() + element.length + 2 > limit) {
                    cancel = subscription;
                    finishLocked(new RpcCallException(ErrorCode.MESSAGE_TOO_LARGE, tooLargeMessage));
                } else {
                    if (json.size() > 1) {
                        json.write(',');
                    }
                    json.writeBytes(element);
                }
            }
        }
        if (cancel != null) {
            cancel.cancel();
        }
    }

    @Override
    public void onError(Throwable error) {
        String why = error == null || error.getMessage() == null ? String.valueOf(error) : error.getMessage();
        finish(new RpcCallException(ErrorCode.STREAM_FAILED.code(), "the publisher failed: " + why, "", error));
    }

    @Override
    public synchronized void onComplete() {
        if (done) {
            return;
        }
        done = true;
        json.write(']');
        result.complete(json.toByteArray());
    }

    private void cancelSubscription() {
        Flow.Subscription s;
        synchronized (this) {
            done = true;
            s = subscription;
        }
        if (s != null) {
            s.cancel();
        }
    }

    private synchronized void finish(Throwable failure) {
        finishLocked(failure);
    }

    private void finishLocked(Throwable failure) {
        if (!done) {
            done = true;
            result.completeExceptionally(failure);
        }
    }
}
