package io.aldis.feature.rpc.internal.providers;

import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.export.ExportedMethod;
import io.aldis.feature.rpc.internal.export.ServiceExports;
import io.aldis.feature.rpc.spi.StreamOpener;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.params.InvalidParamsException;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.StreamRelay;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Services provided by connected clients: SERVICE_PROVIDE and SERVICE_WITHDRAW, calls forwarded to
 * the least busy provider under an id of the node's and their answers relayed back, and each
 * session's SERVICE_PROVIDEs kept by the session (under {@value #KEPT}) so that they are set up
 * again when this feature returns after a swap.
 */
public final class ClientProviders {
    /** Under this capability name sessions keep their SERVICE_PROVIDEs across a swap of this feature. */
    public static final String KEPT = "rpc";

    private final Calls calls;
    private final Supplier<Authorizer> authorizer;
    private final Predicate<String> exportedInsideTheNode;
    private final BooleanSupplier rejectUnknownFields;
    private final Supplier<CallStreams> streams;
    /** Providers by service name. */
    private final Map<String, List<Provider>> byService = new ConcurrentHashMap<>();
    /** Providers by the session that provides them. */
    private final Map<UUID, Set<Provider>> bySession = new ConcurrentHashMap<>();
    /** Calls forwarded to providers, by the call id the node gave them. */
    private final Map<Long, ForwardedCall> forwarded = new ConcurrentHashMap<>();
    /** Calls with an open stream whose provider's connection broke, by its resume key, until its resumed session comes. */
    private final Map<String, Set<ForwardedCall>> kept = new ConcurrentHashMap<>();
    private final AtomicLong nodeCallIds = new AtomicLong();
    private final AtomicInteger rotation = new AtomicInteger();

    /**
     * @param exportedInsideTheNode whether a name is taken by an OSGi service, which a client may not provide
     */
    public ClientProviders(Calls calls, Supplier<Authorizer> authorizer, Predicate<String> exportedInsideTheNode,
            BooleanSupplier rejectUnknownFields) {
        this(calls, authorizer, exportedInsideTheNode, rejectUnknownFields, () -> null);
    }

    /**
     * @param streams the streaming feature's streams while it is installed, else null: calls are
     *        then forwarded without {@code STREAMS}, and providers answer them with batches
     */
    public ClientProviders(Calls calls, Supplier<Authorizer> authorizer, Predicate<String> exportedInsideTheNode,
            BooleanSupplier rejectUnknownFields, Supplier<CallStreams> streams) {
        this.calls = calls;
        this.authorizer = authorizer;
        this.exportedInsideTheNode = exportedInsideTheNode;
        this.rejectUnknownFields = rejectUnknownFields;
        this.streams = streams;
    }

    /** The providers of {@code service}, in the order they came; empty when none. */
    public List<Provider> of(String service) {
        return byService.getOrDefault(service, List.of());
    }

    /** The names of the services clients provide now. */
    public Set<String> serviceNames() {
        return Set.copyOf(byService.keySet());
    }

    /** One entry per provider of every service. */
    public List<ServiceInfo> infos() {
        List<ServiceInfo> list = new ArrayList<>();
        for (List<Provider> providers : byService.values()) {
            for (Provider p : providers) {
                list.add(p.info());
            }
        }
        return list;
    }

    // ---------------------------------------------------------------- provide and withdraw

    /** A SERVICE_PROVIDE: the session provides the service, answered with ACK or ERROR. */
    public void provide(Session session, ServiceProvide provide) {
        provide(session, provide, false);
    }

    /**
     * Sets up again the services a session provided while this feature was away (it was updated,
     * refreshed or reinstalled), each as its SERVICE_PROVIDE did but without a second ACK. One
     * that no longer passes today's checks is answered with its ERROR and forgotten.
     */
    public void restore(Session session) {
        Set<Provider> own = bySession.getOrDefault(session.id(), Set.of());
        for (Map.Entry<String, Frame> kept : session.kept(KEPT).entrySet()) {
            if (kept.getValue() instanceof ServiceProvide provide
                    && own.stream().anyMatch(p -> p.service.equals(provide.service().trim()))) {
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
        if (!ServiceExports.SERVICE_NAME.matcher(name).matches()) {
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
        if (exportedInsideTheNode.test(name)) {
            session.send(ErrorFrame.of(provide.requestId(), ErrorCode.UNEXPECTED_FRAME,
                    "service " + name + " is provided inside the node"));
            return false;
        }
        ServiceDescriptor descriptor;
        try {
            descriptor = ServiceDescriptor.parse(provide.descriptor());
        } catch (IllegalArgumentException e) {
            session.send(ErrorFrame.of(provide.requestId(), ErrorCode.PROTOCOL_ERROR, e.getMessage()));
            return false;
        }
        Set<Provider> own = bySession.computeIfAbsent(session.id(), id -> ConcurrentHashMap.newKeySet());
        synchronized (this) {
            for (Provider existing : own) {
                if (existing.service.equals(name)) {
                    remove(existing, "re-provided the service");
                }
            }
            Provider p = new Provider(session, name, descriptor);
            own.add(p);
            byService.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(p);
        }
        session.keep(KEPT, "service." + name, provide);
        if (!restoring) {
            session.send(new Ack(provide.requestId(), ""));
        }
        return true;
    }

    /** A SERVICE_WITHDRAW: the session no longer provides the service, answered with ACK or ERROR. */
    public void withdraw(Session session, ServiceWithdraw withdraw) {
        Provider found = null;
        for (Provider p : bySession.getOrDefault(session.id(), Set.of())) {
            if (p.service.equals(withdraw.service())) {
                found = p;
            }
        }
        if (found == null) {
            session.send(ErrorFrame.of(withdraw.requestId(), ErrorCode.METHOD_NOT_FOUND,
                    "this session does not provide " + withdraw.service()));
            return;
        }
        remove(found, "withdrew it");
        session.forget(KEPT, "service." + found.service);
        session.send(new Ack(withdraw.requestId(), ""));
    }

    /**
     * The session is gone: its services go, and calls forwarded to it fail with PROVIDER_GONE; but
     * where the client may resume the session, a call whose stream is open waits for its resumed
     * session, as the stream does (docs/protocol.md 6.4.8).
     */
    public void sessionClosed(Session session) {
        Set<Provider> own = bySession.remove(session.id());
        if (own != null) {
            for (Provider p : own) {
                unlist(p);
            }
        }
        // By the session that answers them: a call a resumed session took over was forwarded to a
        // provider of an earlier session.
        String resumeKey = session.resumeKey();
        for (ForwardedCall f : forwarded.values()) {
            if (f.answeredFrom(session) && (resumeKey == null || !f.keepFor(resumeKey))) {
                calls.fail(f.call, ErrorCode.PROVIDER_GONE.code(), "the client providing " + f.provider.service
                        + " disconnected", "");
            }
        }
    }

    /**
     * A session opened: if it resumed a provider's session whose calls wait on their streams, it
     * answers them now.
     */
    public void sessionOpened(Session session) {
        String resumeKey = session.resumeKey();
        Set<ForwardedCall> waiting = resumeKey == null ? null : kept.remove(resumeKey);
        if (waiting != null) {
            for (ForwardedCall f : waiting) {
                f.resumedOn(session);
            }
        }
    }

    /** The provider no longer provides its service (withdrawn, provided again): its calls fail. */
    private void remove(Provider p, String why) {
        unlist(p);
        for (Call call : p.calls) {
            calls.fail(call, ErrorCode.PROVIDER_GONE.code(), "the client providing " + p.service + " " + why, "");
        }
    }

    /** No more calls go to the provider. */
    private void unlist(Provider p) {
        p.gone = true;
        synchronized (this) {
            byService.computeIfPresent(p.service, (k, list) -> {
                list.remove(p);
                return list.isEmpty() ? null : list;
            });
        }
        Set<Provider> own = bySession.get(p.session.id());
        if (own != null) {
            own.remove(p);
        }
    }

    // ---------------------------------------------------------------- calls

    /**
     * Forwards a call to the least busy of {@code providers}, after checking its parameters against
     * the provider's descriptor as a call of an OSGi service would be, so the provider never sees
     * what its own descriptor rules out; the parameters are forwarded as the caller sent them.
     */
    public void forward(Call call, List<Provider> providers) {
        Provider p = leastBusy(providers);
        String methodName = call.method().substring(call.method().lastIndexOf('.') + 1);
        StreamSpec stream = p.streamOf(methodName);
        // A call another node sent with streams has no session here: its stream crosses to that node.
        StreamOpener otherNode = call.remoteStreams();
        CallStreams relaying = stream != null && call.streams() && (call.session() != null || otherNode != null)
                ? streams.get() : null;
        boolean relayed = relaying != null && relaying.streams(p.session)
                && (otherNode != null || relaying.streams(call.session()));
        if (call.streams() && !relayed && p.streamsParameter(methodName)) {
            // The node does not pass streams between connections (yet): the caller sends the items as an array.
            calls.fail(call, ErrorCode.STREAMING_UNAVAILABLE.code(), "streaming is not available for "
                    + call.method() + ", which a client provides: call it again without streams, with the items as an array",
                    "");
            return;
        }
        ExportedMethod declared = p.signature(methodName);
        if (declared != null) {
            try {
                declared.decode(call.params(), rejectUnknownFields.getAsBoolean());
            } catch (InvalidParamsException e) {
                calls.fail(call, ErrorCode.INVALID_PARAMS.code(), e.getMessage(), e.details());
                return;
            }
        }
        ForwardedCall work = new ForwardedCall(call, p, nodeCallIds.incrementAndGet(), forwarded, kept);
        work.register();
        if (!call.attach(work)) {
            work.ended(call);
            return;
        }
        if (p.gone) {
            calls.fail(call, ErrorCode.PROVIDER_GONE.code(), "the client providing " + p.service + " went away", "");
            return;
        }
        if (relayed) {
            relayed = relay(call, p, work, stream, relaying);
            if (!relayed && p.streamsParameter(methodName)) {
                return;
            }
        }
        p.session.send(new RpcRequest(relayed, work.nodeCallId, call.timeoutMillis(), call.method(), call.params()));
    }

    /**
     * Sets up the relay of the call's stream (docs/protocol.md 6.4.8) before the call goes to the
     * provider with {@code STREAMS}, toward the caller's session or, for a call another node sent,
     * toward that node; false when the streaming feature refuses it, and then a method with a
     * streamed parameter has been failed already.
     */
    private boolean relay(Call call, Provider p, ForwardedCall work, StreamSpec declared, CallStreams relaying) {
        StreamSpec spec = new StreamSpec(call.method(), declared.direction(), declared.creditMode(),
                declared.sizeFunction(), declared.highWaterMark());
        StreamRelay relay;
        try {
            StreamOpener otherNode = call.remoteStreams();
            relay = otherNode != null
                    ? relaying.relay(otherNode::open, p.session, work.nodeCallId, spec, work.streamListener(calls))
                    : relaying.relay(call.session(), call.callId(), p.session, work.nodeCallId, spec,
                            work.streamListener(calls));
        } catch (ProtocolException refused) {
            if (p.streamsParameter(spec.method().substring(spec.method().lastIndexOf('.') + 1))) {
                calls.fail(call, refused.code().code(), refused.getMessage(), "");
            }
            return false;
        }
        work.relay(relay);
        return true;
    }

    /**
     * A provider's RPC_RESPONSE: the result goes to the caller, on the caller's stream when the
     * call has one, which sends it after the provider's items and their end.
     */
    public void answered(Session provider, long nodeCallId, byte[] result) {
        ForwardedCall f = forwardedTo(provider, nodeCallId);
        if (f != null) {
            f.providerAnswers();
            calls.complete(f.call, result);
        }
    }

    /**
     * A provider's RPC_ERROR: the error goes to the caller as the provider gave it, after the
     * caller's stream has passed on what the provider sent before it.
     */
    public void failed(Session provider, long nodeCallId, int code, String message, String details) {
        ForwardedCall f = forwardedTo(provider, nodeCallId);
        if (f != null) {
            f.providerAnswers();
            calls.fail(f.call, code, message, details);
        }
    }

    /**
     * The call forwarded to this session (or to the session it resumed) under that id; null when
     * answered late (after a deadline, a cancel) or by another session.
     */
    private ForwardedCall forwardedTo(Session session, long nodeCallId) {
        ForwardedCall f = forwarded.get(nodeCallId);
        if (f != null && !f.answeredFrom(session) && !kept.isEmpty()) {
            // A resumed provider's answer may come before its session was announced to this feature.
            sessionOpened(session);
        }
        return f != null && f.answeredFrom(session) ? f : null;
    }

    private Provider leastBusy(List<Provider> providers) {
        int n = providers.size();
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        Provider best = null;
        for (int i = 0; i < n; i++) {
            Provider p = providers.get((start + i) % n);
            if (best == null || p.inFlight() < best.inFlight()) {
                best = p;
            }
        }
        return best;
    }
}
