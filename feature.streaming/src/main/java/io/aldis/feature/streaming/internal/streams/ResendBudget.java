package io.aldis.feature.streaming.internal.streams;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The bytes of item copies the node keeps over all its streams for resumed sessions
 * (docs/protocol.md 6.4.7). A caller picks the credit of a stream it receives, so without a bound
 * of the node's own, callers that grant much and pay back little could make it keep any amount.
 * Thread-safe.
 */
public final class ResendBudget {
    private final AtomicLong used = new AtomicLong();
    private final LongSupplier max;

    /** @param max the most bytes, read at each reservation so that a new setting applies at once */
    ResendBudget(LongSupplier max) {
        this.max = max;
    }

    /** Takes {@code bytes} of the budget; false, taking nothing, when that would pass it. */
    boolean reserve(long bytes) {
        long limit = max.getAsLong();
        while (true) {
            long now = used.get();
            if (now + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** The bytes kept now. */
    long used() {
        return used.get();
    }
}
