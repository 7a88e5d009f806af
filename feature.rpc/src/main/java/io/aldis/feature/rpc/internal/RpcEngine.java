package io.aldis.feature.rpc.internal;

import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.CallReply;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.calls.SessionReply;
import io.aldis.feature.rpc.internal.export.ExportedService;
import io.aldis.feature.rpc.internal.export.ServiceExports;
import io.aldis.feature.rpc.internal.export.ServiceInvoker;
import io.aldis.feature.rpc.internal.frames.RpcFrameHandler;
import io.aldis.feature.rpc.internal.frames.RpcOperations;
import io.aldis.feature.rpc.internal.providers.ClientProviders;
import io.aldis.feature.rpc.internal.calls.LatencyHistogram;
import io.aldis.feature.rpc.internal.registry.RegistryView;
import io.aldis.feature.rpc.internal.registry.ServiceDirectory;
import io.aldis.feature.rpc.internal.registry.Target;
import io.aldis.feature.rpc.internal.remote.LocalCallsService;
import io.aldis.feature.rpc.internal.remote.PeerCallWork;
import io.aldis.feature.rpc.spi.LocalCalls;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.feature.rpc.spi.StreamOpener;
import io.aldis.feature.rpc.spi.StreamingPeer;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStreams;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The RPC feature put together: calls in flight ({@link Calls}), OSGi services exported through
 * reflection and run on workers ({@link ServiceInvoker}), services provided by connected clients
 * ({@link ClientProviders}), the directory that resolves names ({@link ServiceDirectory}), and
 * the view the shell and JMX read ({@link #registry()}). Each step below is one thing the feature
 * does for a frame or a session. It has no OSGi dependency, so it runs in a plain JVM;
 * {@link RpcComponent} feeds it the exported services and the configuration.
 */
public final class RpcEngine implements RpcOperations, AutoCloseable {
    static final System.Logger LOG = System.getLogger("io.aldis.rpc");

    private volatile RpcSettings settings;
    private volatile boolean closed;
    private final Supplier<Authorizer> authorizer;
    private final Supplier<CallStreams> streams;
    private final Calls calls;
    private final ServiceInvoker invoker;
    private final ClientProviders providers;
    private final ServiceDirectory directory;
    private final RegistryView registry;
    private final FrameHandler frames = new RpcFrameHandler(this);
    private final LocalCalls localCalls;
    /** The other nodes, while a bundle links this node to them; null: every call is served here. */
    private volatile RemoteCalls remote;

    /**
     * @param authorizer the authorizer installed now, or null for {@link Authorizer#DEFAULT}
     * @param streams the streaming feature's streams while it is installed, else null: calls of
     *        streaming methods are then answered with batches
     */
    public RpcEngine(RpcSettings settings, Supplier<Authorizer> authorizer, Supplier<CallStreams> streams) {
        this.settings = settings;
        this.authorizer = authorizer;
        this.streams = streams;
        this.calls = new Calls(() -> this.settings.maxCallsPerSession(), () -> this.settings.defaultTimeoutMillis());
        this.invoker = new ServiceInvoker(calls, settings.workerThreads(), settings.queueCapacity(),
                settings.workerSpinMicros(), () -> this.settings.rejectUnknownFields(),
                () -> this.settings.methodOnLoopMicros(), ServiceInvoker::onConnectionsLoop, streams);
        this.providers = new ClientProviders(calls, authorizer, this::exportedInside,
                () -> this.settings.rejectUnknownFields(), streams);
        this.directory = new ServiceDirectory(providers);
        this.registry = new RegistryView(directory, calls,
                (callId, method, params, timeout, reply) -> start(callId, method, params, timeout, false, null, reply, false,
                        null));
        this.localCalls = new LocalCallsService(directory, calls,
                (callId, method, params, timeout, opener, reply) -> start(callId, method, params, timeout, opener != null,
                        null, reply, true, opener));
    }

    /** Applies new settings; calls in flight keep the limits they started with. */
    public void update(RpcSettings newSettings) {
        this.settings = newSettings;
        invoker.resize(newSettings.workerThreads(), newSettings.queueCapacity(), newSettings.workerSpinMicros());
    }

    public RpcSettings settings() {
        return settings;
    }

    /** The handler to register with the node for the RPC frame types. */
    public FrameHandler frames() {
        return frames;
    }

    /** What the shell, JMX and other bundles read and call. */
    public RpcRegistry registry() {
        return registry;
    }

    /** What a bundle that links this node to others reads and calls: the services served here, and calls from other nodes. */
    public LocalCalls localCalls() {
        return localCalls;
    }

    /**
     * Sends calls to the other nodes through {@code remoteCalls} from now on, when one of them
     * serves a service better; null serves every call here again. Calls already sent stay where they are.
     */
    public synchronized void remoteCalls(RemoteCalls remoteCalls) {
        this.remote = remoteCalls;
    }

    /** Serves every call here again, if {@code remoteCalls} is still the link in use. */
    public synchronized void clearRemoteCalls(RemoteCalls remoteCalls) {
        if (remote == remoteCalls) {
            remote = null;
        }
    }

    /** The latency histogram of every method called so far, for JMX and the metrics endpoint. */
    public List<LatencyHistogram> histograms() {
        return calls.histograms();
    }

    // ------------------------------------------------------------------ OSGi services

    /**
     * Exports a service object under the name in its {@code aldis.rpc.service} property.
     *
     * @return the handle to pass to {@link #removeService}, or null when the service cannot be exported
     */
    public Object addService(Object target, Map<String, ?> properties, String origin) {
        ExportedService service = ServiceExports.export(target, properties, origin);
        if (service != null) {
            directory.add(service);
        }
        return service;
    }

    /** Withdraws an exported service at once: new calls no longer find it, calls in flight fail with PROVIDER_GONE. */
    public void removeService(Object handle) {
        if (handle instanceof ExportedService service) {
            directory.remove(service);
            invoker.withdraw(service);
        }
    }

    // ------------------------------------------------------------------ the steps

    @Override
    public void call(Session session, RpcRequest request) {
        SessionReply reply = new SessionReply(session);
        if (!mayCall(session.user(), request.method())) {
            reply.error(request.callId(), ErrorCode.FORBIDDEN.code(), "not allowed to call " + request.method(), "");
            return;
        }
        start(request.callId(), request.method(), request.params(), request.timeoutMillis(), request.streams(), session,
                reply, false, null);
    }

    @Override
    public void cancel(Session session, RpcCancel cancel) {
        Call call = calls.find(session, cancel.callId());
        if (call != null) {
            calls.abort(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", true);
        }
    }

    @Override
    public void answer(Session session, RpcResponse response) {
        providers.answered(session, response.callId(), response.result());
    }

    @Override
    public void refuse(Session session, RpcError error) {
        providers.failed(session, error.callId(), error.code(), error.message(), error.details());
    }

    @Override
    public void provide(Session session, ServiceProvide provide) {
        providers.provide(session, provide);
    }

    @Override
    public void withdraw(Session session, ServiceWithdraw withdraw) {
        providers.withdraw(session, withdraw);
    }

    /**
     * The services the session provided before this feature was swapped return; the calls with a
     * stream of the session it resumed are its own now.
     */
    @Override
    public void sessionOpened(Session session) {
        providers.restore(session);
        providers.sessionOpened(session);
        calls.sessionOpened(session);
    }

    /** A closing session gets its CLOSE_ACK once every call it made was answered. */
    @Override
    public CompletionStage<?> sessionClosing(Session session) {
        return calls.closing(session.id());
    }

    /** Calls forwarded to the session fail with PROVIDER_GONE; its own calls end unanswered and stop. */
    @Override
    public void sessionClosed(Session session) {
        providers.sessionClosed(session);
        calls.sessionClosed(session);
    }

    /** Fails every call in flight with SHUTTING_DOWN and stops the threads. */
    @Override
    public void close() {
        closed = true;
        calls.close();
        invoker.close();
    }

    /**
     * Starts a call of a session (or, without one, from inside the node or from another node);
     * returns it, or null when it was answered at once.
     *
     * @param fromPeer whether another node sent the call, which is then served here and nowhere else
     * @param remoteStreams for a call another node sent with streams, what opens its stream toward that node
     */
    private Call start(long callId, String method, byte[] params, int timeoutMillis, boolean streams, Session session,
            CallReply reply, boolean fromPeer, StreamOpener remoteStreams) {
        if (closed) {
            reply.error(callId, ErrorCode.SHUTTING_DOWN.code(), "the RPC feature is stopping", "");
            return null;
        }
        Target target = directory.resolve(method);
        boolean streamsAcross = streams && session != null && takesStreams(session);
        RemoteCalls.Peer peer = fromPeer ? null : peerFor(method, target, streams, streamsAcross);
        if (peer != null) {
            Call call = calls.open(session, callId, method, params, timeoutMillis, streams,
                    Calls.SERVED_ELSEWHERE, reply);
            if (call != null) {
                PeerCallWork.send(calls, call, peer, streamsAcross && peer instanceof StreamingPeer ? this.streams.get() : null);
            }
            return call;
        }
        if (target instanceof Target.NotFound notFound) {
            reply.error(callId, ErrorCode.METHOD_NOT_FOUND.code(), notFound.message(), "");
            return null;
        }
        int limit = settings.maxConcurrentPerMethod();
        if (target instanceof Target.Exported exported) {
            limit = exported.service().concurrencyLimit(limit);
        }
        Call call = calls.open(session, callId, method, params, timeoutMillis, streams, limit, reply);
        if (call == null) {
            return null;
        }
        call.remoteStreams(remoteStreams);
        if (target instanceof Target.Exported exported) {
            invoker.run(call, exported.service(), exported.method());
        } else if (target instanceof Target.Provided provided) {
            providers.forward(call, provided.providers());
        }
        return call;
    }

    /**
     * The other node that should serve a call, asked of the bundle that links the nodes: one that
     * serves the service with fewer calls in flight, or any that serves it when this node does not.
     * A call that takes streams goes the same way when the link relays streams (a {@link StreamingPeer});
     * otherwise it stays here when this node serves it, and crosses without streams when it does not.
     *
     * @param streamsAcross whether the caller takes streams now, so that the call's stream may cross
     */
    private RemoteCalls.Peer peerFor(String method, Target target, boolean streams, boolean streamsAcross) {
        RemoteCalls r = remote;
        int dot = method.lastIndexOf('.');
        if (r == null || dot <= 0 || dot == method.length() - 1) {
            return null;
        }
        String service = method.substring(0, dot);
        boolean servedHere = !(target instanceof Target.NotFound);
        if (streams && servedHere && !streamsAcross) {
            // The caller takes no stream now, and the call stays where it always did.
            return null;
        }
        int localInFlight = servedHere ? directory.inFlight(service) : -1;
        RemoteCalls.Peer chosen;
        try {
            chosen = r.choose(service, localInFlight);
        } catch (RuntimeException linkFailing) {
            // The link is going away (its cluster member stopping): serve here, as without it.
            return null;
        }
        if (chosen != null && streams && servedHere && !(streamsAcross && chosen instanceof StreamingPeer)) {
            // This node would stream the items; the other would answer with a batch.
            return null;
        }
        return chosen;
    }

    /** Whether the session takes streams now, so that a call of it with STREAMS gets one. */
    private boolean takesStreams(Session session) {
        CallStreams s = streams.get();
        return s != null && s.streams(session);
    }

    /** A name an OSGi service serves, which a client may not provide too. */
    /** Whether an OSGi service exports {@code name} here or, as it announced, on another node. */
    private boolean exportedInside(String name) {
        if (directory.exportedInside(name)) {
            return true;
        }
        RemoteCalls r = remote;
        return r != null && r.exportedElsewhere(name);
    }

    private boolean mayCall(AuthenticatedUser user, String method) {
        if (user == null) {
            return false;
        }
        Authorizer a = authorizer.get();
        return (a != null ? a : Authorizer.DEFAULT).permits(user, Authorizer.RPC, method, "call");
    }
}
