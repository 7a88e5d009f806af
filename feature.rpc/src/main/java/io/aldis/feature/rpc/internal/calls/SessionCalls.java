package io.aldis.feature.rpc.internal.calls;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The calls one session has in flight, and the wait of its graceful close for their answers. */
final class SessionCalls {
    final Map<Long, Call> calls = new ConcurrentHashMap<>();
    /** Completes once the session's peer asked to close and its last call was answered. */
    private final CompletableFuture<Void> answered = new CompletableFuture<>();
    private volatile boolean closing;
    /**
     * Answers being sent: a call leaves {@link #calls} before its answer is written (so its id is
     * free as soon as the caller can see the answer), and a close must still wait for that write.
     */
    final AtomicInteger answering = new AtomicInteger();
    /** The resume key under which these calls wait for a resumed session, once their own is gone; else null. */
    volatile String parkedAs;

    /** The peer is closing: the returned stage completes when no call of the session is left. */
    CompletableFuture<Void> closing() {
        closing = true;
        answeredIfIdle();
        return answered;
    }

    /** Called after a call of this session was answered. */
    void answeredIfIdle() {
        if (closing && calls.isEmpty() && answering.get() == 0) {
            answered.complete(null);
        }
    }
}
