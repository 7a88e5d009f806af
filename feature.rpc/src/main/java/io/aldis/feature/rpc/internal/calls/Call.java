package io.aldis.feature.rpc.internal.calls;

import io.aldis.feature.rpc.spi.StreamOpener;
import io.aldis.protocol.api.spi.node.Session;
import io.netty.util.Timeout;

/**
 * One call in flight. It ends exactly once (under the call's monitor); whatever ends it first (the
 * result, an error, the deadline, a cancel, the provider going away) answers the caller, and
 * everything else that happens later is ignored. {@link Calls} starts and ends calls; what works
 * on a call attaches itself as its {@link CallWork}.
 */
public final class Call {
    private final long callId;
    private final String method;
    private final byte[] params;
    private final Session session;
    /** The caller's calls this one is among; another session's once a resumed session adopted it. */
    volatile SessionCalls owner;
    volatile CallReply reply;
    /** The answer goes on the call's stream, which may outlive the caller's connection. */
    private volatile boolean answersOnStream;
    final MethodCounters counters;
    /** Whether the call holds one of its method's slots here; a call sent to another node does not. */
    boolean holdsSlot = true;
    final long startNanos = System.nanoTime();
    private final int timeoutMillis;
    private final boolean streams;
    /** How the call ended when it failed: the code and message of its answer; 0 while running or after a result. */
    private volatile int failureCode;
    private volatile String failureMessage = "";
    /** For a call another node sent with streams: opens its stream toward that node; else null. */
    private volatile StreamOpener remoteStreams;

    // guarded by this
    private boolean done;
    private CallWork work;

    /** Set when the call ended without its work (cancel, deadline, ...): that work is to be stopped. */
    private volatile boolean abandoned;
    volatile Timeout deadline;

    /**
     * Calls sit in hash sets (a service's and a provider's calls in flight). The identity hash
     * would do, but taking it while the call's monitor is held inflates that monitor, on every
     * call; a call id is unique within its owner, so the two together spread as well. Equality stays
     * identity.
     */
    private final int hash;

    Call(long callId, String method, byte[] params, Session session, SessionCalls owner, CallReply reply,
            MethodCounters counters, int timeoutMillis, boolean streams) {
        this.hash = 31 * (owner == null ? 0 : System.identityHashCode(owner)) + Long.hashCode(callId);
        this.callId = callId;
        this.method = method;
        this.params = params;
        this.session = session;
        this.owner = owner;
        this.reply = reply;
        this.counters = counters;
        this.timeoutMillis = timeoutMillis;
        this.streams = streams;
    }

    /** The id in the caller's space (the caller's callId; negative for calls made inside the node). */
    public long callId() {
        return callId;
    }

    /** {@code service.method} as the caller named it. */
    public String method() {
        return method;
    }

    /** The parameters as the caller sent them (UTF-8 JSON). */
    public byte[] params() {
        return params;
    }

    /** The session that made the call, or null for a call made inside the node. */
    public Session session() {
        return session;
    }

    /** The deadline in force, in milliseconds from the start (the caller's or the default), or 0 for none. */
    public int timeoutMillis() {
        return timeoutMillis;
    }

    /** Milliseconds since the call started. */
    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * Marks a call that another node sent with streams: its stream, if its method has one, is
     * opened through {@code opener} and crosses to that node. Set before the call's work starts.
     */
    public void remoteStreams(StreamOpener opener) {
        remoteStreams = opener;
    }

    /** What opens the stream of a call another node sent with streams; null for any other call. */
    public StreamOpener remoteStreams() {
        return remoteStreams;
    }

    /** Whether the caller takes streams on this call (RPC_REQUEST's STREAMS flag). */
    public boolean streams() {
        return streams;
    }

    /**
     * From now on the call's answer goes through {@code streamReply}: the call's stream, which sends
     * it after its own frames and keeps it for a resumed session (docs/protocol.md 6.4.7). Such a
     * call outlives its caller's connection while the stream may be resumed.
     */
    public void replyThrough(CallReply streamReply) {
        reply = streamReply;
        answersOnStream = true;
    }

    /** Whether the answer goes on the call's stream ({@link #replyThrough}). */
    public boolean answersOnStream() {
        return answersOnStream;
    }

    /** The counters of the streams of the call's method, for the call's stream to count itself in. */
    public StreamCounters streamCounters() {
        return counters.streams;
    }

    /** The code the call was failed with, or 0 while it runs or after it was answered with a result. */
    public int failureCode() {
        return failureCode;
    }

    /** The message the call was failed with, or empty. */
    public String failureMessage() {
        return failureMessage;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    public synchronized boolean isDone() {
        return done;
    }

    /** Whether the call ended without its work, which should stop. */
    public boolean isAbandoned() {
        return abandoned;
    }

    /**
     * Attaches what works on the call; false when the call has ended already (then the work is not
     * attached, and undoes what it prepared itself).
     */
    public synchronized boolean attach(CallWork newWork) {
        if (done) {
            return false;
        }
        this.work = newWork;
        return true;
    }

    /** Marks the call done; false if it was done already. No work attaches after this. */
    synchronized boolean finish(int code, String message) {
        if (done) {
            return false;
        }
        failureCode = code;
        failureMessage = message;
        done = true;
        return true;
    }

    /** What works on the call, or null. */
    synchronized CallWork work() {
        return work;
    }

    /** The call ended without its work: asks the work to stop. */
    void abandon(boolean tellPeer) {
        abandoned = true;
        CallWork w = work();
        if (w != null) {
            w.abandon(this, tellPeer);
        }
    }
}
