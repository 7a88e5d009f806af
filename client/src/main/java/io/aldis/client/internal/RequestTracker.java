package io.aldis.client.internal;

import io.aldis.client.AldisException;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Requests waiting for their answer, keyed by request id. */
public final class RequestTracker {
    private final Map<Long, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();

    /**
     * Registers a request before it is sent, so that an answer arriving at once is not missed.
     *
     * @throws IllegalArgumentException if the id is 0 or already waiting
     */
    public CompletableFuture<Frame> register(long requestId) {
        if (requestId == 0) {
            throw new IllegalArgumentException("request id 0 is reserved for connection-level frames");
        }
        CompletableFuture<Frame> future = new CompletableFuture<>();
        if (pending.putIfAbsent(requestId, future) != null) {
            throw new IllegalArgumentException("request " + requestId + " is already waiting for an answer");
        }
        return future;
    }

    /** Completes the request the frame answers; false when nobody waits for that id. */
    public boolean complete(long requestId, Frame answer) {
        CompletableFuture<Frame> future = pending.remove(requestId);
        if (future == null) {
            return false;
        }
        if (answer instanceof ErrorFrame error) {
            future.completeExceptionally(AldisException.of(error));
        } else {
            future.complete(answer);
        }
        return true;
    }

    /** Forgets a request, failing it with {@code cause}. */
    public void fail(long requestId, Throwable cause) {
        CompletableFuture<Frame> future = pending.remove(requestId);
        if (future != null) {
            future.completeExceptionally(cause);
        }
    }

    /** Fails every waiting request, typically because the connection is gone. */
    public void failAll(Throwable cause) {
        for (Long id : pending.keySet()) {
            fail(id, cause);
        }
    }

    /** How many requests are waiting. */
    public int size() {
        return pending.size();
    }
}
