package io.aldis.feature.rpc.internal.streams;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Collects the items of a streaming method into one JSON array, for a caller that takes no
 * streams (docs/protocol.md 6.4.1): requests the items in bounded rounds, so a method that
 * produces without end is stopped once the array outgrows the frame it must fit in, and fails
 * with {@code MESSAGE_TOO_LARGE} naming that limit.
 */
public final class BatchCollector implements Flow.Subscriber<Object> {
    /** How many items are requested at a time. */
    private static final int ROUND = 256;

    private final ItemCodec codec;
    private final int maxBytes;
    private final String limitName;
    private final String method;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream json = new ByteArrayOutputStream();
    private Flow.Subscription subscription;
    private int pending;
    private long count;

    private BatchCollector(ItemCodec codec, int maxBytes, String limitName, String method) {
        this.codec = codec;
        this.maxBytes = maxBytes;
        this.limitName = limitName;
        this.method = method;
        json.write('[');
    }

    /**
     * Subscribes to {@code items} and completes with the JSON array of them all.
     *
     * @param maxBytes the largest array allowed, in bytes
     * @param limitName how the limit is called in the error, such as {@code maxFrameSize}
     * @return the array, or a {@link ProtocolException} with {@code MESSAGE_TOO_LARGE}, or the
     *         failure of the publisher or of the encoding of an item; cancelling it cancels the
     *         publisher's subscription
     */
    public static CompletableFuture<byte[]> collect(Flow.Publisher<?> items, ItemCodec codec, int maxBytes,
            String limitName, String method) {
        BatchCollector collector = new BatchCollector(codec, maxBytes, limitName, method);
        items.subscribe(collector);
        return collector.result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        result.whenComplete((bytes, failure) -> {
            if (failure != null) {
                s.cancel();
            }
        });
        if (!result.isDone()) {
            pending = ROUND;
            s.request(ROUND);
        }
    }

    @Override
    public void onNext(Object item) {
        if (result.isDone()) {
            return;
        }
        try {
            if (count++ > 0) {
                json.write(',');
            }
            codec.appendToBatch(item, json);
        } catch (Exception e) {
            result.completeExceptionally(e);
            return;
        }
        if (json.size() + 1 > maxBytes) {
            result.completeExceptionally(new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE, "the items of " + method
                    + " do not fit in one answer of at most " + maxBytes + " bytes (" + limitName
                    + "): call it with streams"));
            return;
        }
        if (--pending == 0) {
            pending = ROUND;
            subscription.request(ROUND);
        }
    }

    @Override
    public void onError(Throwable failure) {
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        json.write(']');
        result.complete(json.toByteArray());
    }
}
