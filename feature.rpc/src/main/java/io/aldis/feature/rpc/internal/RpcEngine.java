package io.aldis.feature.rpc.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.aldis.protocol.api.params.InvalidParamsException;
import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.api.RpcException;
import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The RPC engine: serves the RPC frames of sessions, runs OSGi service methods on a bounded pool,
 * forwards calls of client-provided services to the least busy provider, and enforces deadlines,
 * cancellation, concurrency limits and permissions. It has no OSGi dependency, so it runs in a
 * plain JVM; {@link RpcComponent} feeds it the exported services and the configuration.
 *
 * <p>{@link #handle} runs on the session's event loop and never blocks: it checks, registers the
 * call and hands the work to the pool, so a slow method never holds up the session's other frames
 * (a cancel, say).
 */
public final class RpcEngine implements FrameHandler, RpcRegistry, AutoCloseable {
    static final System.Logger LOG = System.getLogger("io.aldis.rpc");
    /** Under this capability name sessions keep their SERVICE_PROVIDEs across a swap of this feature. */
    static final String KEPT = "rpc";

    private static final Set<FrameType> FRAME_TYPES = EnumSet.of(FrameType.RPC_REQUEST, FrameType.RPC_RESPONSE,
            FrameType.RPC_ERROR, FrameType.RPC_CANCEL, FrameType.SERVICE_PROVIDE, FrameType.SERVICE_WITHDRAW);
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private volatile RpcSettings settings;
    private final Supplier<Authorizer> authorizer;
    private final WorkerPool workers;
    /**
     * Deadlines. A wheel rather than a scheduled executor: arming and cancelling a deadline only
     * queue an entry, where a scheduled executor wakes its thread whenever a new deadline is the
     * earliest, which with one call in flight is every call.
     */
    private final HashedWheelTimer deadlines;

    /** OSGi services by name, best first (highest ranking, then oldest); guarded by {@code this}. */
    private final Map<String, List<ExportedService>> registered = new HashMap<>();
    /** The OSGi service that serves each name right now. */
    private final Map<String, ExportedService> active = new ConcurrentHashMap<>();
    /** Client providers by service name. */
    private final Map<String, List<Provider>> clientServices = new ConcurrentHashMap<>();
    private final Map<UUID, SessionCalls> sessions = new ConcurrentHashMap<>();
    /** Calls forwarded to client providers, by the call id the node gave them. */
    private final Map<Long, Call> forwarded = new ConcurrentHashMap<>();
    private final Map<String, MethodCounters> counters = new ConcurrentHashMap<>();
    private final Set<Call> localCalls = ConcurrentHashMap.newKeySet();
    private final AtomicLong nodeCallIds = new AtomicLong();
    private final AtomicLong localCallIds = new AtomicLong();
    private final AtomicInteger rotation = new AtomicInteger();
    private volatile boolean closed;

    public RpcEngine(RpcSettings settings, Supplier<Authorizer> authorizer) {
        this.settings = settings;
        this.authorizer = authorizer;
        AtomicInteger threads = new AtomicInteger();
        this.workers = new WorkerPool(settings.workerThreads(), settings.queueCapacity(), 30, TimeUnit.SECONDS, r -> {
            Thread t = new Thread(r, "aldis-rpc-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        workers.spinBeforePark(settings.workerSpinMicros(), TimeUnit.MICROSECONDS);
        this.deadlines = new HashedWheelTimer(r -> {
            Thread t = new Thread(r, "aldis-rpc-deadlines");
            t.setDaemon(true);
            return t;
        }, 10, TimeUnit.MILLISECONDS, 512);
    }

    /** Applies new settings; calls in flight keep the limits they started with. */
    public void update(RpcSettings newSettings) {
        this.settings = newSettings;
        workers.resize(newSettings.workerThreads(), newSettings.queueCapacity());
        workers.spinBeforePark(newSettings.workerSpinMicros(), TimeUnit.MICROSECONDS);
    }

    public RpcSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ FrameHandler

    @Override
    public Set<FrameType> frameTypes() {
        return FRAME_TYPES;
    }

    @Override
    public boolean nonBlocking() {
        return true;
    }

    @Override
    public void handle(Session session, Frame frame) {
        if (frame instanceof RpcRequest request) {
            onRequest(session, request);
        } else if (frame instanceof RpcCancel cancel) {
            onCancel(session, cancel);
        } else if (frame instanceof RpcResponse response) {
            Call call = forwardedFrom(session, response.callId());
            if (call != null) {
                complete(call, response.result());
            }
        } else if (frame instanceof RpcError error) {
            Call call = forwardedFrom(session, error.callId());
            if (call != null) {
                fail(call, error.code(), error.message(), error.details());
            }
        } else if (frame instanceof ServiceProvide provide) {
            onProvide(session, provide);
        } else if (frame instanceof ServiceWithdraw withdraw) {
            onWithdraw(session, withdraw);
        }
    }

    /** A closing session gets its CLOSE_ACK once every call it made was answered. */
    @Override
    public CompletionStage<?> sessionClosing(Session session) {
        SessionCalls owned = sessions.get(session.id());
        return owned == null ? CompletableFuture.completedFuture(null) : owned.closing();
    }

    /** A session opened, or this feature came back while it was open: the services it provided return. */
    @Override
    public void sessionOpened(Session session) {
        restore(session);
    }

    @Override
    public void sessionClosed(Session session) {
        SessionCalls owned = sessions.remove(session.id());
        if (owned == null) {
            return;
        }
        for (Provider p : owned.providers) {
            removeProvider(p, "disconnected");
        }
        for (Call call : owned.calls.values()) {
            if (end(call, true)) {
                cancelWork(call, true);
            }
        }
    }

    // ------------------------------------------------------------------ calls

    private void onRequest(Session session, RpcRequest request) {
        SessionCalls owned = sessions.computeIfAbsent(session.id(), id -> new SessionCalls());
        Call.Reply reply = new SessionReply(session);
        if (!permits(session.user(), request.method(), "call")) {
            reply.error(request.callId(), ErrorCode.FORBIDDEN.code(), "not allowed to call " + request.method(), "");
            return;
        }
        start(request.callId(), request.method(), request.params(), request.timeoutMillis(), owned, reply);
    }

    private void onCancel(Session session, RpcCancel cancel) {
        SessionCalls owned = sessions.get(session.id());
        Call call = owned == null ? null : owned.calls.get(cancel.callId());
        if (call != null && fail(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", "")) {
            cancelWork(call, true);
        }
    }

    /** Starts a call; returns it, or null when it was answered at once (not found, busy, ...). */
    private Call start(long callId, String method, byte[] params, int timeoutMillis, SessionCalls owner,
            Call.Reply reply) {
        RpcSettings s = settings;
        if (closed) {
            reply.error(callId, ErrorCode.SHUTTING_DOWN.code(), "the RPC feature is stopping", "");
            return null;
        }
        Object target = resolve(method);
        if (target instanceof String notFound) {
            reply.error(callId, ErrorCode.METHOD_NOT_FOUND.code(), notFound, "");
            return null;
        }
        MethodCounters mc = counters.computeIfAbsent(method, MethodCounters::new);
        if (owner != null && owner.calls.size() >= s.maxCallsPerSession()) {
            mc.recordRefused();
            reply.error(callId, ErrorCode.BUSY.code(),
                    "too many calls in flight on this session (limit " + s.maxCallsPerSession() + ")", "");
            return null;
        }
        int limit = s.maxConcurrentPerMethod();
        if (target instanceof OsgiTarget t && t.service().maxConcurrency > 0) {
            limit = t.service().maxConcurrency;
        }
        if (!mc.tryEnter(limit)) {
            mc.recordRefused();
            reply.error(callId, ErrorCode.BUSY.code(), "too many calls of " + method + " in flight (limit " + limit + ")",
                    "");
            return null;
        }
        Call call = new Call(callId, method, params, owner, reply, mc);
        if (owner != null) {
            if (owner.calls.putIfAbsent(callId, call) != null) {
                mc.exit();
                reply.error(callId, ErrorCode.UNEXPECTED_FRAME.code(), "call id " + callId + " is already in flight", "");
                return null;
            }
        } else {
            localCalls.add(call);
        }
        int timeout = timeoutMillis > 0 ? timeoutMillis : s.defaultTimeoutMillis();
        if (timeout > 0) {
            try {
                call.deadline = deadlines.newTimeout(t -> expire(call, timeout), timeout, TimeUnit.MILLISECONDS);
            } catch (IllegalStateException stopping) {
                fail(call, ErrorCode.SHUTTING_DOWN.code(), "the RPC feature is stopping", "");
                return call;
            }
        }
        if (target instanceof OsgiTarget t) {
            runOsgi(call, t.service(), t.method());
        } else {
            forward(call, ((ClientTarget) target).providers(), timeout);
        }
        return call;
    }

    private record OsgiTarget(ExportedService service, ExportedMethod method) {
    }

    private record ClientTarget(List<Provider> providers) {
    }

    /** An {@link OsgiTarget}, a {@link ClientTarget}, or the message of METHOD_NOT_FOUND. */
    private Object resolve(String method) {
        int dot = method.lastIndexOf('.');
        if (dot <= 0 || dot == method.length() - 1) {
            return "a method is called as service.method, not '" + method + "'";
        }
        String service = method.substring(0, dot);
        String name = method.substring(dot + 1);
        ExportedService svc = active.get(service);
        if (svc != null) {
            ExportedMethod m = svc.methods.get(name);
            return m != null ? new OsgiTarget(svc, m) : "service " + service + " has no method " + name;
        }
        List<Provider> providers = clientServices.get(service);
        if (providers != null) {
            List<Provider> serving = new ArrayList<>(providers.size());
            for (Provider p : providers) {
                if (p.serves(name)) {
                    serving.add(p);
                }
            }
            if (!serving.isEmpty()) {
                return new ClientTarget(serving);
            }
            if (!providers.isEmpty()) {
                return "service " + service + " has no method " + name;
            }
        }
        return "no service named " + service;
    }

    private void runOsgi(Call call, ExportedService svc, ExportedMethod m) {
        synchronized (call) {
            if (call.done) {
                return;
            }
            call.service = svc;
            svc.calls.add(call);
        }
        if (svc.withdrawn) {
            fail(call, ErrorCode.PROVIDER_GONE.code(), "service " + svc.name + " was withdrawn", "");
            return;
        }
        if (svc.direct) {
            // The service promised never to block: no hand-off to a worker and back.
            invoke(call, svc, m);
            return;
        }
        // A FutureTask interrupts its runner only while it runs this call, for cancels and deadlines.
        FutureTask<Void> task = new FutureTask<>(() -> invoke(call, svc, m), null);
        call.task = task;
        // A call that ended by itself must not interrupt the worker that is just returning.
        if (call.abandoned) {
            task.cancel(true);
        }
        if (!workers.execute(task)) {
            fail(call, ErrorCode.BUSY.code(), "every RPC worker is busy and the queue is full", "");
        }
    }

    private void invoke(Call call, ExportedService svc, ExportedMethod m) {
        if (call.isDone()) {
            return;
        }
        Object[] args;
        try {
            args = m.decode(call.params, settings.rejectUnknownFields());
        } catch (InvalidParamsException e) {
            fail(call, ErrorCode.INVALID_PARAMS.code(), e.getMessage(), e.details());
            return;
        }
        Object result;
        try {
            result = m.method.invoke(svc.target, args);
        } catch (InvocationTargetException e) {
            failWith(call, e.getCause());
            return;
        } catch (IllegalAccessException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not invoke " + call.method, e);
            fail(call, ErrorCode.INTERNAL_ERROR.code(), "the node could not invoke " + call.method, "");
            return;
        }
        if (result instanceof CompletionStage<?> stage) {
            CompletableFuture<?> future = null;
            try {
                future = stage.toCompletableFuture();
            } catch (UnsupportedOperationException notAFuture) {
                // only the callback below then
            }
            call.stage = future;
            if (future != null && call.abandoned) {
                future.cancel(true);
            }
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    failWith(call, failure);
                } else {
                    succeed(call, m, value);
                }
            });
        } else {
            succeed(call, m, result);
        }
    }

    private void succeed(Call call, ExportedMethod m, Object value) {
        if (call.isDone()) {
            return;
        }
        byte[] json;
        try {
            json = value == null ? JSON_NULL
                    : value instanceof String text ? Json.string(text)
                    : m.resultWriter != null ? m.resultWriter.writeValueAsBytes(value) : Json.write(value);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not encode the result of " + call.method, e);
            fail(call, ErrorCode.SERVICE_ERROR.code(), "the result of " + call.method + " could not be encoded as JSON",
                    "");
            return;
        }
        complete(call, json);
    }

    private void failWith(Call call, Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (call.isDone()) {
            return; // cancelled or expired already: what the method threw on its way out does not matter
        }
        if (t instanceof RpcException e) {
            fail(call, e.code(), e.getMessage() == null ? "the call failed" : e.getMessage(), e.details());
        } else if (t instanceof CancellationException) {
            fail(call, ErrorCode.CANCELLED.code(), "the service cancelled the call", "");
        } else {
            LOG.log(System.Logger.Level.DEBUG, "Service method " + call.method + " failed", t);
            String message = t.getMessage() == null ? "the service failed" : t.getMessage();
            fail(call, ErrorCode.SERVICE_ERROR.code(), message, Json.object("exception", t.getClass().getSimpleName()));
        }
    }

    private void forward(Call call, List<Provider> providers, int timeout) {
        Provider p = leastBusy(providers);
        ExportedMethod declared = p.signature(call.method.substring(call.method.lastIndexOf('.') + 1));
        if (declared != null) {
            // Checked as a call of an OSGi service would be, so the provider never sees what its
            // own descriptor rules out; the parameters are forwarded as the caller sent them.
            try {
                declared.decode(call.params, settings.rejectUnknownFields());
            } catch (InvalidParamsException e) {
                fail(call, ErrorCode.INVALID_PARAMS.code(), e.getMessage(), e.details());
                return;
            }
        }
        long id = nodeCallIds.incrementAndGet();
        synchronized (call) {
            if (call.done) {
                return;
            }
            call.provider = p;
            call.nodeCallId = id;
            p.inFlight.incrementAndGet();
            p.calls.add(call);
            forwarded.put(id, call);
        }
        if (p.gone) {
            fail(call, ErrorCode.PROVIDER_GONE.code(), "the client providing " + p.service + " went away", "");
            return;
        }
        p.session.send(new RpcRequest(id, timeout, call.method, call.params));
    }

    private Provider leastBusy(List<Provider> providers) {
        int n = providers.size();
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        Provider best = null;
        for (int i = 0; i < n; i++) {
            Provider p = providers.get((start + i) % n);
            if (best == null || p.inFlight.get() < best.inFlight.get()) {
                best = p;
            }
        }
        return best;
    }

    private Call forwardedFrom(Session session, long nodeCallId) {
        Call call = forwarded.get(nodeCallId);
        if (call == null) {
            return null; // answered late, after a deadline or a cancel: dropped
        }
        synchronized (call) {
            return call.provider != null && call.provider.session.id().equals(session.id()) ? call : null;
        }
    }

    private void expire(Call call, int timeout) {
        if (fail(call, ErrorCode.DEADLINE_EXCEEDED.code(), "deadline of " + timeout + " ms exceeded", "")) {
            cancelWork(call, true);
        }
    }

    /** Stops whatever still works on an ended call: interrupts the worker, cancels the future, tells the provider. */
    private void cancelWork(Call call, boolean tellProvider) {
        call.abandoned = true;
        Future<?> task = call.task;
        if (task != null) {
            task.cancel(true);
        }
        CompletableFuture<?> stage = call.stage;
        if (stage != null) {
            stage.cancel(true);
        }
        Provider p;
        long id;
        synchronized (call) {
            p = call.provider;
            id = call.nodeCallId;
        }
        if (p != null && tellProvider && !p.gone) {
            p.session.send(new RpcCancel(id));
        }
    }

    private boolean complete(Call call, byte[] json) {
        answering(call);
        try {
            if (!end(call, false)) {
                return false;
            }
            call.reply.result(call.callId, json);
            return true;
        } finally {
            answered(call);
        }
    }

    private boolean fail(Call call, int code, String message, String details) {
        answering(call);
        try {
            if (!end(call, true)) {
                return false;
            }
            call.reply.error(call.callId, code, message, details);
            return true;
        } finally {
            answered(call);
        }
    }

    /** Before a call may end: a session that is closing waits until its answer is written, not only ended. */
    private static void answering(Call call) {
        if (call.owner != null) {
            call.owner.answering.incrementAndGet();
        }
    }

    /** After a call's answer went out: a session that is closing may be waiting for it. */
    private static void answered(Call call) {
        if (call.owner != null) {
            call.owner.answering.decrementAndGet();
            call.owner.answeredIfIdle();
        }
    }

    /** Ends a call once: releases its slots and records it; false if it had ended already. */
    private boolean end(Call call, boolean error) {
        ExportedService svc;
        Provider p;
        long id;
        synchronized (call) {
            if (call.done) {
                return false;
            }
            call.done = true;
            svc = call.service;
            p = call.provider;
            id = call.nodeCallId;
        }
        Timeout deadline = call.deadline;
        if (deadline != null) {
            deadline.cancel();
        }
        if (call.owner != null) {
            call.owner.calls.remove(call.callId, call);
        } else {
            localCalls.remove(call);
        }
        if (svc != null) {
            svc.calls.remove(call);
        }
        if (p != null) {
            forwarded.remove(id);
            p.inFlight.decrementAndGet();
            p.calls.remove(call);
        }
        call.counters.exit();
        call.counters.record(System.nanoTime() - call.startNanos, error);
        return true;
    }

    private boolean permits(AuthenticatedUser user, String resource, String action) {
        if (user == null) {
            return false;
        }
        Authorizer a = authorizer.get();
        return (a != null ? a : Authorizer.DEFAULT).permits(user, Authorizer.RPC, resource, action);
    }

    // ------------------------------------------------------------------ client providers

    private void onProvide(Session session, ServiceProvide provide) {
        provide(session, provide, false);
    }

    /**
     * Sets up again the services a session provided while this feature was away (it was updated,
     * refreshed or reinstalled), each as its SERVICE_PROVIDE did but without a second ACK. One
     * that no longer passes today's checks is answered with its ERROR and forgotten.
     */
    private void restore(Session session) {
        SessionCalls owned = sessions.get(session.id());
        for (Map.Entry<String, Frame> kept : session.kept(KEPT).entrySet()) {
            if (kept.getValue() instanceof ServiceProvide provide && owned != null
                    && owned.providers.stream().anyMatch(p -> p.service.equals(provide.service().trim()))) {
                continue; // told twice (the session opened as the feature came): it is there already
            }
            if (!(kept.getValue() instanceof ServiceProvide provide) || !provide(session, provide, true)) {
                session.forget(KEPT, kept.getKey());
            }
        }
    }

    /** Handles a SERVICE_PROVIDE; whether the session now provides the service. */
    private boolean provide(Session session, ServiceProvide provide, boolean restoring) {
        String name = provide.service().trim();
        if (!SERVICE_NAME.matcher(name).matches()) {
            session.send(ErrorFrame.of(provide.requestId(), ErrorCode.PROTOCOL_ERROR,
                    "a service name is dot-separated tokens of letters, digits, _ and -"));
            return false;
        }
        AuthenticatedUser user = session.user();
        Authorizer a = authorizer.get();
        if (user == null || !(a != null ? a : Authorizer.DEFAULT).permitsAll(user, Authorizer.RPC, name + ".*",
                "provide")) {
            session.send(ErrorFrame.of(provide.requestId(), ErrorCode.FORBIDDEN, "not allowed to provide " + name));
            return false;
        }
        if (active.containsKey(name)) {
            session.send(ErrorFrame.of(provide.requestId(), ErrorCode.UNEXPECTED_FRAME,
                    "service " + name + " is provided inside the node"));
            return false;
        }
        Descriptor descriptor;
        try {
            descriptor = parseDescriptor(provide.descriptor());
        } catch (IllegalArgumentException e) {
            session.send(ErrorFrame.of(provide.requestId(), ErrorCode.PROTOCOL_ERROR, e.getMessage()));
            return false;
        }
        SessionCalls owned = sessions.computeIfAbsent(session.id(), id -> new SessionCalls());
        synchronized (this) {
            for (Provider existing : owned.providers) {
                if (existing.service.equals(name)) {
                    removeProvider(existing, "re-provided the service");
                }
            }
            Provider p = new Provider(session, name, descriptor.methods(), descriptor.signatures());
            owned.providers.add(p);
            clientServices.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(p);
        }
        session.keep(KEPT, "service." + name, provide);
        if (!restoring) {
            session.send(new Ack(provide.requestId(), ""));
        }
        return true;
    }

    private void onWithdraw(Session session, ServiceWithdraw withdraw) {
        SessionCalls owned = sessions.get(session.id());
        Provider found = null;
        if (owned != null) {
            for (Provider p : owned.providers) {
                if (p.service.equals(withdraw.service())) {
                    found = p;
                }
            }
        }
        if (found == null) {
            session.send(ErrorFrame.of(withdraw.requestId(), ErrorCode.METHOD_NOT_FOUND,
                    "this session does not provide " + withdraw.service()));
            return;
        }
        removeProvider(found, "withdrew it");
        session.forget(KEPT, "service." + found.service);
        session.send(new Ack(withdraw.requestId(), ""));
    }

    private void removeProvider(Provider p, String why) {
        p.gone = true;
        synchronized (this) {
            clientServices.computeIfPresent(p.service, (k, list) -> {
                list.remove(p);
                return list.isEmpty() ? null : list;
            });
        }
        SessionCalls owned = sessions.get(p.session.id());
        if (owned != null) {
            owned.providers.remove(p);
        }
        for (Call call : p.calls) {
            fail(call, ErrorCode.PROVIDER_GONE.code(), "the client providing " + p.service + " " + why, "");
        }
    }

    /** A parsed service descriptor: what listings show, and the signatures calls are checked against. */
    private record Descriptor(List<MethodInfo> methods, Map<String, ExportedMethod> signatures) {
    }

    /**
     * The optional descriptor: {@code {"methods":[{"name":"echo","params":["text: String"],"result":"String"}]}};
     * a method may also be given by name alone, and then its parameters are not checked.
     */
    private static Descriptor parseDescriptor(String descriptor) {
        if (descriptor == null || descriptor.isBlank()) {
            return new Descriptor(List.of(), Map.of());
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(descriptor);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the service descriptor is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the service descriptor must be a JSON object");
        }
        List<MethodInfo> methods = new ArrayList<>();
        Map<String, ExportedMethod> signatures = new HashMap<>();
        for (JsonNode m : root.path("methods")) {
            if (m.isTextual()) {
                methods.add(new MethodInfo(m.asText(), List.of(), "?"));
            } else if (m.isObject() && m.path("name").isTextual()) {
                List<String> params = new ArrayList<>();
                m.path("params").forEach(p -> params.add(p.asText()));
                MethodInfo info = new MethodInfo(m.get("name").asText(), params, m.path("result").asText("?"));
                methods.add(info);
                if (m.path("params").isArray()) {
                    signatures.put(info.name(), ExportedMethod.declared(info));
                }
            } else {
                throw new IllegalArgumentException("each method of the descriptor needs a name");
            }
        }
        return new Descriptor(methods, signatures);
    }

    // ------------------------------------------------------------------ OSGi services

    /**
     * Exports a service object under the name in its {@value RpcConstants#SERVICE} property.
     * {@code properties} are the service's properties ({@code objectClass} picks the interfaces whose
     * methods are exported; without it every interface of the object is).
     *
     * @return the handle to pass to {@link #removeService}, or null when the service cannot be exported
     */
    public Object addService(Object target, Map<String, ?> properties, String origin) {
        Object nameProperty = properties.get(RpcConstants.SERVICE);
        String name = nameProperty == null ? "" : String.valueOf(nameProperty).trim();
        if (!SERVICE_NAME.matcher(name).matches()) {
            LOG.log(System.Logger.Level.WARNING, "Not exporting a service of " + origin + ": invalid "
                    + RpcConstants.SERVICE + " '" + name + "'");
            return null;
        }
        Map<String, ExportedMethod> methods = exportedMethods(target, properties.get("objectClass"));
        ExportedService svc = new ExportedService(name, target, origin, intProperty(properties.get("service.ranking")),
                longProperty(properties.get("service.id")), intProperty(properties.get(RpcConstants.MAX_CONCURRENCY)),
                booleanProperty(properties.get(RpcConstants.DIRECT)), methods);
        synchronized (this) {
            List<ExportedService> list = registered.computeIfAbsent(name, k -> new ArrayList<>());
            list.add(svc);
            list.sort(Comparator.<ExportedService>comparingInt(s -> s.ranking).reversed()
                    .thenComparingLong(s -> s.serviceId));
            active.put(name, list.get(0));
        }
        LOG.log(System.Logger.Level.INFO, "RPC service " + name + " exported by " + origin + " with methods "
                + new java.util.TreeSet<>(methods.keySet()));
        return svc;
    }

    /** Withdraws an exported service at once: new calls no longer find it, calls in flight fail with PROVIDER_GONE. */
    public void removeService(Object handle) {
        if (!(handle instanceof ExportedService svc)) {
            return;
        }
        svc.withdrawn = true;
        synchronized (this) {
            List<ExportedService> list = registered.get(svc.name);
            if (list != null) {
                list.remove(svc);
                if (list.isEmpty()) {
                    registered.remove(svc.name);
                    active.remove(svc.name);
                } else {
                    active.put(svc.name, list.get(0));
                }
            }
        }
        for (Call call : svc.calls) {
            if (fail(call, ErrorCode.PROVIDER_GONE.code(), "service " + svc.name + " was withdrawn", "")) {
                cancelWork(call, false);
            }
        }
    }

    private static Map<String, ExportedMethod> exportedMethods(Object target, Object objectClass) {
        Set<String> names = new LinkedHashSet<>();
        if (objectClass instanceof String[] array) {
            names.addAll(List.of(array));
        } else if (objectClass instanceof Collection<?> list) {
            list.forEach(n -> names.add(String.valueOf(n)));
        } else if (objectClass instanceof String single) {
            names.add(single);
        }
        List<Class<?>> types = new ArrayList<>();
        collectTypes(target.getClass(), names, types);
        if (types.isEmpty()) {
            types.add(target.getClass());
        }
        Map<String, ExportedMethod> methods = new HashMap<>();
        for (Class<?> type : types) {
            Method[] candidates = type.getMethods();
            java.util.Arrays.sort(candidates, Comparator.comparing(Method::getName).thenComparingInt(Method::getParameterCount));
            for (Method m : candidates) {
                if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()
                        || m.isBridge()) {
                    continue;
                }
                if (methods.containsKey(m.getName())) {
                    if (!sameSignature(methods.get(m.getName()).method, m)) {
                        LOG.log(System.Logger.Level.WARNING, "Overloaded method " + type.getName() + "." + m.getName()
                                + ": only the one with " + methods.get(m.getName()).arity()
                                + " parameters is callable remotely");
                    }
                    continue;
                }
                methods.put(m.getName(), new ExportedMethod(m));
            }
        }
        return methods;
    }

    private static boolean sameSignature(Method a, Method b) {
        return java.util.Arrays.equals(a.getParameterTypes(), b.getParameterTypes());
    }

    /** The classes and interfaces of {@code type}'s hierarchy named in {@code names} (all non-JDK interfaces if none). */
    private static void collectTypes(Class<?> type, Set<String> names, List<Class<?>> out) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (names.contains(c.getName()) && !out.contains(c)) {
                out.add(c);
            }
            collectInterfaces(c, names, out);
        }
    }

    private static void collectInterfaces(Class<?> c, Set<String> names, List<Class<?>> out) {
        for (Class<?> i : c.getInterfaces()) {
            boolean wanted = names.isEmpty() ? !i.getName().startsWith("java.") : names.contains(i.getName());
            if (wanted && !out.contains(i)) {
                out.add(i);
            }
            collectInterfaces(i, names, out);
        }
    }

    private static int intProperty(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static boolean booleanProperty(Object value) {
        return value instanceof Boolean b ? b : value instanceof String s && Boolean.parseBoolean(s.trim());
    }

    private static long longProperty(Object value) {
        return value instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    }

    // ------------------------------------------------------------------ RpcRegistry

    @Override
    public List<ServiceInfo> services() {
        List<ServiceInfo> list = new ArrayList<>();
        for (ExportedService svc : active.values()) {
            list.add(svc.info());
        }
        for (List<Provider> providers : clientServices.values()) {
            for (Provider p : providers) {
                list.add(p.info());
            }
        }
        list.sort(Comparator.comparing(ServiceInfo::name).thenComparing(ServiceInfo::provider));
        return list;
    }

    @Override
    public CompletableFuture<String> call(String method, String paramsJson, Duration timeout) {
        CompletableFuture<String> result = new CompletableFuture<>();
        Call.Reply reply = new Call.Reply() {
            @Override
            public void result(long callId, byte[] json) {
                result.complete(new String(json, StandardCharsets.UTF_8));
            }

            @Override
            public void error(long callId, int code, String message, String details) {
                result.completeExceptionally(new RpcException(code, message, details));
            }
        };
        long millis = timeout == null ? 0 : Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        byte[] params = paramsJson == null ? new byte[0] : paramsJson.getBytes(StandardCharsets.UTF_8);
        Call call = start(-localCallIds.incrementAndGet(), method, params, (int) millis, null, reply);
        if (call != null) {
            result.whenComplete((value, failure) -> {
                if (result.isCancelled() && fail(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", "")) {
                    cancelWork(call, true);
                }
            });
        }
        return result;
    }

    @Override
    public List<MethodStats> stats() {
        List<MethodStats> list = new ArrayList<>();
        for (MethodCounters mc : counters.values()) {
            list.add(mc.snapshot());
        }
        list.sort(Comparator.comparing(MethodStats::method));
        return list;
    }

    /** Fails every call in flight with SHUTTING_DOWN and stops the threads. */
    @Override
    public void close() {
        closed = true;
        List<Call> all = new ArrayList<>(localCalls);
        for (SessionCalls owned : sessions.values()) {
            all.addAll(owned.calls.values());
        }
        for (Call call : all) {
            if (fail(call, ErrorCode.SHUTTING_DOWN.code(), "the RPC feature is stopping", "")) {
                cancelWork(call, true);
            }
        }
        workers.shutdown();
        deadlines.stop();
    }

    /** Answers a session's call with frames; nothing is sent once the session is closed. */
    private record SessionReply(Session session) implements Call.Reply {
        @Override
        public void result(long callId, byte[] json) {
            if (session.state() != SessionState.CLOSED) {
                session.send(new RpcResponse(callId, json));
            }
        }

        @Override
        public void error(long callId, int code, String message, String details) {
            if (session.state() != SessionState.CLOSED) {
                session.send(new RpcError(callId, code, message, details));
            }
        }
    }
}
