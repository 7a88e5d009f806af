package io.aldis.feature.rpc.internal;

import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * One call in flight. It ends exactly once ({@link #done}, under the call's monitor); whatever
 * ends it first (the result, an error, the deadline, a cancel, the provider going away) answers
 * the caller, and everything else that happens later is ignored.
 */
final class Call {
    /** The id in the caller's space (the caller's callId). */
    final long callId;
    final String method;
    final byte[] params;
    final SessionCalls owner;
    final Reply reply;
    final MethodCounters counters;
    final long startNanos = System.nanoTime();

    // guarded by this
    boolean done;
    ExportedService service;
    Provider provider;
    long nodeCallId;

    /** Set when the call ended without its work (cancel, deadline, ...): that work is to be stopped. */
    volatile boolean abandoned;
    volatile Future<?> task;
    volatile CompletableFuture<?> stage;
    volatile Timeout deadline;

    /**
     * Calls sit in hash sets (a service's and a provider's calls in flight). The identity hash
     * would do, but taking it while the call's monitor is held inflates that monitor, on every
     * call; a call id is unique within its owner, so the two together spread as well. Equality stays
     * identity.
     */
    private final int hash;

    Call(long callId, String method, byte[] params, SessionCalls owner, Reply reply, MethodCounters counters) {
        this.hash = 31 * (owner == null ? 0 : System.identityHashCode(owner)) + Long.hashCode(callId);
        this.callId = callId;
        this.method = method;
        this.params = params;
        this.owner = owner;
        this.reply = reply;
        this.counters = counters;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    synchronized boolean isDone() {
        return done;
    }

    /** Where the answer of a call goes: a session, or a future for calls made inside the node. */
    interface Reply {
        void result(long callId, byte[] json);

        void error(long callId, int code, String message, String details);
    }
}
