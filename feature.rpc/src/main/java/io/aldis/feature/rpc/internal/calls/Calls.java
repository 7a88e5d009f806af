package io.aldis.feature.rpc.internal.calls;

import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.feature.rpc.api.StreamStats;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.node.Session;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The calls in flight: starts each within its limits (per session, per method) and under its
 * deadline, finds one by its caller's id, and ends each exactly once, with an answer or without
 * one, telling its {@link CallWork} to stop when it did not finish. Also the per-method counters
 * those limits use, and the wait of a closing session for the answers of its calls.
 *
 * <p>This is where anything that lives as long as a call attaches to it (a stream, later): find
 * the call with {@link #find}, learn its session and deadline from the {@link Call}, attach with
 * {@link Call#attach}, and end it with {@link #complete} or {@link #fail}.
 */
public final class Calls implements AutoCloseable {
    private static final String STOPPING = "the RPC feature is stopping";

    private final IntSupplier maxCallsPerSession;
    private final IntSupplier defaultTimeoutMillis;
    /**
     * Deadlines. A wheel rather than a scheduled executor: arming and cancelling a deadline only
     * queue an entry, where a scheduled executor wakes its thread whenever a new deadline is the
     * earliest, which with one call in flight is every call.
     */
    private final HashedWheelTimer deadlines;
    private final Map<UUID, SessionCalls> sessions = new ConcurrentHashMap<>();
    /** Calls with a stream whose caller's connection broke, by resume key, until a resumed session adopts them. */
    private final Map<String, SessionCalls> parked = new ConcurrentHashMap<>();
    private final Set<Call> localCalls = ConcurrentHashMap.newKeySet();
    private final Map<String, MethodCounters> counters = new ConcurrentHashMap<>();

    /** Limits are read at each call's start, so a new configuration applies to the next call. */
    public Calls(IntSupplier maxCallsPerSession, IntSupplier defaultTimeoutMillis) {
        this.maxCallsPerSession = maxCallsPerSession;
        this.defaultTimeoutMillis = defaultTimeoutMillis;
        this.deadlines = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, "aldis-rpc-deadlines");
            t.setDaemon(true);
            return t;
        }, 10, TimeUnit.MILLISECONDS, 512);
    }

    /**
     * The method limit of a call this node sends to another node: it takes none of the slots of its
     * method here (the serving node counts it against its own), though its stats are kept here too.
     */
    public static final int SERVED_ELSEWHERE = -1;

    /**
     * Starts a call, or answers it at once (busy, a call id already in flight, the feature stopping).
     *
     * @param session       the caller, or null for a call made inside the node
     * @param timeoutMillis the caller's deadline, 0 for the default
     * @param streams       whether the caller takes streams on this call
     * @param methodLimit   how many calls of this method may be in flight
     * @return the call, or null when it was answered already
     */
    public Call open(Session session, long callId, String method, byte[] params, int timeoutMillis, boolean streams,
            int methodLimit, CallReply reply) {
        boolean slot = methodLimit != SERVED_ELSEWHERE;
        SessionCalls owner = session == null ? null : sessions.computeIfAbsent(session.id(), id -> new SessionCalls());
        MethodCounters mc = counters.computeIfAbsent(method, MethodCounters::new);
        int perSession = maxCallsPerSession.getAsInt();
        if (owner != null && owner.calls.size() >= perSession) {
            mc.recordRefused();
            reply.error(callId, ErrorCode.BUSY.code(), "too many calls in flight on this session (limit " + perSession
                    + ")", "");
            return null;
        }
        if (slot && !mc.tryEnter(methodLimit)) {
            mc.recordRefused();
            reply.error(callId, ErrorCode.BUSY.code(), "too many calls of " + method + " in flight (limit "
                    + methodLimit + ")", "");
            return null;
        }
        int timeout = timeoutMillis > 0 ? timeoutMillis : defaultTimeoutMillis.getAsInt();
        Call call = new Call(callId, method, params, session, owner, reply, mc, timeout, streams);
        call.holdsSlot = slot;
        if (owner != null) {
            if (owner.calls.putIfAbsent(callId, call) != null) {
                if (slot) {
                    mc.exit();
                }
                reply.error(callId, ErrorCode.UNEXPECTED_FRAME.code(), "call id " + callId + " is already in flight", "");
                return null;
            }
        } else {
            localCalls.add(call);
        }
        if (timeout > 0) {
            try {
                call.deadline = deadlines.newTimeout(t -> abort(call, ErrorCode.DEADLINE_EXCEEDED.code(),
                        "deadline of " + timeout + " ms exceeded", true), timeout, TimeUnit.MILLISECONDS);
            } catch (IllegalStateException stopping) {
                fail(call, ErrorCode.SHUTTING_DOWN.code(), STOPPING, "");
                return null;
            }
        }
        return call;
    }

    /**
     * The call {@code callId} of {@code session} in flight, or null; a call kept for the session
     * this one resumed counts, even before {@link #sessionOpened} has run (the resumed session's
     * frames can come first: features hear of a new session on another thread).
     */
    public Call find(Session session, long callId) {
        Call call = find(session.id(), callId);
        if (call == null && !parked.isEmpty()) {
            sessionOpened(session);
            call = find(session.id(), callId);
        }
        return call;
    }

    /** The call {@code callId} of a session in flight, or null. */
    public Call find(UUID session, long callId) {
        SessionCalls owner = sessions.get(session);
        return owner == null ? null : owner.calls.get(callId);
    }

    /** Answers a call with its result; false if it had ended already. */
    public boolean complete(Call call, byte[] json) {
        SessionCalls owner = answering(call);
        try {
            if (!end(call, 0, "")) {
                return false;
            }
            call.reply.result(call.callId(), json);
            return true;
        } finally {
            answered(owner);
        }
    }

    /** Answers a call with an error; false if it had ended already. */
    public boolean fail(Call call, int code, String message, String details) {
        SessionCalls owner = answering(call);
        try {
            if (!end(call, code, message)) {
                return false;
            }
            call.reply.error(call.callId(), code, message, details);
            return true;
        } finally {
            answered(owner);
        }
    }

    /** Fails a call and stops its work (cancel, deadline, withdrawal); false if it had ended already. */
    public boolean abort(Call call, int code, String message, boolean tellPeer) {
        if (!fail(call, code, message, "")) {
            return false;
        }
        call.abandon(tellPeer);
        return true;
    }

    /** The session asked to close: the stage completes once every call it made was answered. */
    public CompletionStage<?> closing(UUID session) {
        SessionCalls owner = sessions.get(session);
        return owner == null ? CompletableFuture.completedFuture(null) : owner.closing();
    }

    /**
     * The session is gone: its calls end without an answer, and their work stops; but where the
     * client may resume the session, a call answered on its stream stays, its deadline running, for
     * the stream to decide (docs/protocol.md 6.4.7): resumed with the session, or failed when the
     * stream is not resumed in time.
     */
    public void sessionClosed(Session session) {
        SessionCalls owner = sessions.remove(session.id());
        if (owner == null) {
            return;
        }
        String resumeKey = session.resumeKey();
        for (Call call : owner.calls.values()) {
            if (resumeKey != null && call.answersOnStream()) {
                continue;
            }
            if (end(call, ErrorCode.CONNECTION_INTERRUPTED.code(), "the caller's session ended")) {
                call.abandon(true);
            }
        }
        if (resumeKey != null && !owner.calls.isEmpty()) {
            owner.parkedAs = resumeKey;
            SessionCalls earlier = parked.putIfAbsent(resumeKey, owner);
            if (earlier != null) {
                move(owner, earlier);
            }
            if (owner.calls.isEmpty()) {
                parked.remove(resumeKey, owner);
            }
        }
    }

    /** A session opened: if it resumed one whose calls wait on their streams, those calls are now its own. */
    public void sessionOpened(Session session) {
        String resumeKey = session.resumeKey();
        SessionCalls waiting = resumeKey == null ? null : parked.remove(resumeKey);
        if (waiting != null) {
            move(waiting, sessions.computeIfAbsent(session.id(), id -> new SessionCalls()));
        }
    }

    private static void move(SessionCalls from, SessionCalls to) {
        for (Call call : from.calls.values()) {
            call.owner = to;
            from.calls.remove(call.callId(), call);
            if (to.calls.putIfAbsent(call.callId(), call) == null && call.isDone()) {
                // It ended while moving, and may have left the old map only.
                to.calls.remove(call.callId(), call);
            }
        }
    }

    /** Statistics of every method called so far, sorted by method. */
    public List<MethodStats> stats() {
        List<MethodStats> list = new ArrayList<>();
        for (MethodCounters mc : counters.values()) {
            list.add(mc.snapshot());
        }
        list.sort(Comparator.comparing(MethodStats::method));
        return list;
    }

    /** The latency histogram of every method called so far, sorted by method. */
    public List<LatencyHistogram> histograms() {
        List<LatencyHistogram> list = new ArrayList<>();
        for (MethodCounters mc : counters.values()) {
            list.add(mc.histogram());
        }
        list.sort(Comparator.comparing(LatencyHistogram::method));
        return list;
    }

    /** Statistics of the streams of every method that opened one, sorted by method. */
    public List<StreamStats> streamStats() {
        List<StreamStats> list = new ArrayList<>();
        for (MethodCounters mc : counters.values()) {
            if (mc.streams.used()) {
                list.add(mc.streams.snapshot(mc.method));
            }
        }
        list.sort(Comparator.comparing(StreamStats::method));
        return list;
    }

    /** Fails every call in flight with SHUTTING_DOWN, stops their work, and stops the deadlines. */
    @Override
    public void close() {
        List<Call> all = new ArrayList<>(localCalls);
        for (SessionCalls owner : sessions.values()) {
            all.addAll(owner.calls.values());
        }
        for (SessionCalls owner : parked.values()) {
            all.addAll(owner.calls.values());
        }
        for (Call call : all) {
            abort(call, ErrorCode.SHUTTING_DOWN.code(), STOPPING, true);
        }
        deadlines.stop();
    }

    /** Before a call may end: a session that is closing waits until its answer is written, not only ended. */
    private static SessionCalls answering(Call call) {
        SessionCalls owner = call.owner;
        if (owner != null) {
            owner.answering.incrementAndGet();
        }
        return owner;
    }

    /** After a call's answer went out: a session that is closing may be waiting for it. */
    private static void answered(SessionCalls owner) {
        if (owner != null) {
            owner.answering.decrementAndGet();
            owner.answeredIfIdle();
        }
    }

    /** Ends a call once: releases its slots and its work, and records it; false if it had ended already. */
    private boolean end(Call call, int code, String message) {
        if (!call.finish(code, message)) {
            return false;
        }
        CallWork work = call.work();
        Timeout deadline = call.deadline;
        if (deadline != null) {
            deadline.cancel();
        }
        SessionCalls owner = call.owner;
        if (owner != null) {
            owner.calls.remove(call.callId(), call);
            String parkedAs = owner.parkedAs;
            if (parkedAs != null && owner.calls.isEmpty()) {
                parked.remove(parkedAs, owner);
            }
        } else {
            localCalls.remove(call);
        }
        if (work != null) {
            work.ended(call);
        }
        if (call.holdsSlot) {
            call.counters.exit();
        }
        call.counters.record(System.nanoTime() - call.startNanos, code != 0);
        return true;
    }
}
