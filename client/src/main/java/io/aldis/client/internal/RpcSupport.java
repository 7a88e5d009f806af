package io.aldis.client.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.aldis.client.AldisException;
import io.aldis.client.CallContext;
import io.aldis.client.CallOptions;
import io.aldis.client.ClientState;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.Registration;
import io.aldis.client.RpcCallException;
import io.aldis.client.RpcHandler;
import io.aldis.client.ServiceName;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.aldis.protocol.api.stream.SizeFunction;
import io.aldis.client.internal.stream.AnswersAwaited;
import io.aldis.client.internal.stream.ServedStreams;
import io.aldis.client.internal.stream.StreamCalls;
import io.aldis.client.internal.stream.StreamHost;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Remote calls in both directions: calls this client makes (with their futures, deadlines and
 * cancels), typed proxies, and the services it provides (re-provided after every reconnect, their
 * calls run on the handler executor). This is the only part of the client that uses Jackson, and
 * the client makes it on first use.
 */
final class RpcSupport {
    private static final System.Logger LOG = System.getLogger(RpcSupport.class.getName());
    /** How long after its deadline the client stops waiting for the node's own DEADLINE_EXCEEDED. */
    private static final long GRACE_MILLIS = 1_000;
    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);

    /** Results are read leniently: a newer service may add fields. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private final DefaultAldisClient client;
    private final Executor handlerExecutor;
    private final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();
    private final Map<Long, Served> served = new ConcurrentHashMap<>();
    private final Map<String, Provided> provided = new ConcurrentHashMap<>();
    private final StreamCalls streams;
    private final ServedStreams servedStreams;
    private final AnswersAwaited answersAwaited;

    RpcSupport(DefaultAldisClient client) {
        this.client = client;
        ClientStreamHost streamHost = new ClientStreamHost();
        this.streams = new StreamCalls(streamHost);
        this.servedStreams = new ServedStreams(streamHost);
        this.answersAwaited = new AnswersAwaited(streamHost, streams::shareLifted);
        Executor configured = client.config().handlerExecutor();
        this.handlerExecutor = configured != null ? configured : SerialExecutor.SHARED;
        client.addConsumer(this::consume);
        client.addAfterFrames(streams::framesDispatched);
        client.addInternalListener(new ConnectionListener() {
            @Override
            public void disconnected(DisconnectReason reason) {
                connectionLost(reason);
            }

            @Override
            public void reconnected(SessionInfo session) {
                // The session as it is now, not as the event says: a later loss may have passed it.
                SessionInfo now = client.session();
                if (now == null || !now.resumed()) {
                    streams.keptCallsLost("the node started a new session, which does not have its streams");
                    keptServedLost();
                } else if (!now.has(Capability.STREAMS)) {
                    streams.keptCallsLost("the node resumed the session without streams, which ends them");
                    keptServedLost();
                } else {
                    streams.sessionResumed();
                    servedStreams.sessionResumed();
                }
                for (Provided p : provided.values()) {
                    if (!session.sessionId().equals(p.sentOn)) {
                        establish(p);
                    }
                }
            }

            @Override
            public void error(ErrorFrame error) {
                if (error.code() == ErrorCode.UNKNOWN_FRAME_TYPE.code()) {
                    streams.resumeRefused("the node does not resume streams (it answered STREAM_RESUME with "
                            + "UNKNOWN_FRAME_TYPE)");
                }
            }

            @Override
            public void reconnectFailed(AldisException cause) {
                streams.keptCallsLost(cause.getMessage());
                keptServedLost();
                for (Provided p : provided.values()) {
                    provided.remove(p.service, p);
                    p.end(cause);
                }
            }
        });
    }

    /** The service name of an interface: its {@link ServiceName}, or its simple name in lower camel case. */
    static String serviceName(Class<?> api) {
        ServiceName annotated = api.getAnnotation(ServiceName.class);
        if (annotated != null) {
            return annotated.value();
        }
        String simple = api.getSimpleName();
        return simple.isEmpty() ? simple : simple.substring(0, 1).toLowerCase(Locale.ROOT) + simple.substring(1);
    }

    // ---------------------------------------------------------------- calls

    <T> Flow.Publisher<T> callStream(String method, Object params, Type itemType, CallOptions options) {
        return streams.callStream(method, params, itemType, options);
    }

    <T> CompletableFuture<T> callWithStream(String method, Object[] params, Type resultType, CallOptions options) {
        Objects.requireNonNull(params, "params");
        return streams.callWithStream(method, java.util.Arrays.asList(params), Object.class, resultType, options);
    }

    /** The streaming calls' view of this client. */
    private final class ClientStreamHost implements StreamHost {
        @Override
        public void send(Frame frame) {
            client.send(frame, error -> LOG.log(System.Logger.Level.DEBUG, "a " + frame.type()
                    + " frame was not sent: " + error.getMessage()));
        }

        @Override
        public void send(Frame frame, java.util.function.Consumer<Throwable> onFailure) {
            client.send(frame, onFailure);
        }

        @Override
        public Object connection() {
            return client.connection();
        }

        @Override
        public long nextCallId() {
            return client.nextRequestId();
        }

        @Override
        public SessionInfo openSession() {
            return client.state() == ClientState.CONNECTED ? client.session() : null;
        }

        @Override
        public boolean announcedStreams() {
            return (client.config().capabilities() & Capability.STREAMS.mask()) != 0;
        }

        @Override
        public Duration defaultTimeout() {
            return client.config().callTimeout();
        }

        @Override
        public io.netty.util.Timeout schedule(Runnable task, long millis) {
            return client.schedule(task, millis, TimeUnit.MILLISECONDS);
        }

        @Override
        public <T> CompletableFuture<T> newFuture() {
            return client.newFuture();
        }

        @Override
        public Executor streamDelivery() {
            return client.streamLane();
        }

        @Override
        public boolean sharingConnection() {
            return answersAwaited.sharing();
        }

        @Override
        public ObjectMapper mapper() {
            return MAPPER;
        }

        @Override
        public SizeFunction sizeFunction(String name) {
            return client.config().sizeFunctions().get(name);
        }
    }

    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> call(String method, Object params, Type resultType, CallOptions options) {
        Objects.requireNonNull(method, "method");
        AldisException missing = missingRpc();
        if (missing != null) {
            return CompletableFuture.failedFuture(missing);
        }
        byte[] json;
        try {
            json = encodeParams(params);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("the parameters of " + method + " cannot be encoded as JSON", e));
        }
        Duration timeout = options.timeout() != null ? options.timeout() : client.config().callTimeout();
        long millis = timeout.isZero() ? 0 : Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        long id = client.nextRequestId();
        SessionInfo session = client.session();
        PendingCall pc = new PendingCall(client.newFuture(), id, method, resultType == null ? Object.class : resultType,
                session == null ? null : session.sessionId());
        calls.put(id, pc);
        if (millis > 0) {
            answersAwaited.callStarted();
        }
        pc.future.whenComplete((value, error) -> {
            calls.remove(id, pc);
            if (millis > 0) {
                answersAwaited.callEnded();
            }
            io.netty.util.Timeout timer = pc.timer;
            if (timer != null) {
                timer.cancel();
            }
            if (pc.future.isCancelled()) {
                client.send(new RpcCancel(id));
            }
        });
        if (millis > 0) {
            pc.timer = client.schedule(() -> {
                if (pc.future.completeExceptionally(new RpcCallException(ErrorCode.DEADLINE_EXCEEDED,
                        method + " got no answer within " + millis + " ms"))) {
                    client.send(new RpcCancel(id));
                }
            }, millis + GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
        client.send(new RpcRequest(id, (int) millis, method, json),
                error -> pc.future.completeExceptionally(asRpcFailure(error)));
        return (CompletableFuture<T>) pc.future;
    }

    /** An Object[] or list as a JSON array, null as nothing, anything else as Jackson writes it. */
    static byte[] encodeParams(Object params) throws Exception {
        if (params == null) {
            return new byte[0];
        }
        if (params instanceof Object[] args && allStrings(args)) {
            return stringArray(args);
        }
        return MAPPER.writeValueAsBytes(params);
    }

    /** Non-null strings without surrogates: their JSON is the same whether Jackson writes it or {@link #stringArray}. */
    private static boolean allStrings(Object[] args) {
        for (Object a : args) {
            if (!(a instanceof String text)) {
                return false;
            }
            for (int i = 0; i < text.length(); i++) {
                if (Character.isSurrogate(text.charAt(i))) {
                    return false; // Jackson writes these as escaped pairs
                }
            }
        }
        return true;
    }

    /**
     * Strings as a JSON array, byte for byte what Jackson writes, without the serializer lookup
     * and generator a general write costs on every call: most calls pass a few plain strings.
     */
    private static byte[] stringArray(Object[] args) {
        JsonStringEncoder encoder = JsonStringEncoder.getInstance();
        byte[][] quoted = new byte[args.length][];
        int length = 2 + Math.max(0, args.length - 1);
        for (int i = 0; i < args.length; i++) {
            quoted[i] = encoder.quoteAsUTF8((String) args[i]);
            length += quoted[i].length + 2;
        }
        byte[] json = new byte[length];
        int at = 0;
        json[at++] = '[';
        for (int i = 0; i < quoted.length; i++) {
            if (i > 0) {
                json[at++] = ',';
            }
            json[at++] = '"';
            System.arraycopy(quoted[i], 0, json, at, quoted[i].length);
            at += quoted[i].length;
            json[at++] = '"';
        }
        json[at] = ']';
        return json;
    }

    private RpcCallException missingRpc() {
        SessionInfo session = client.session();
        if (session != null && client.state() == ClientState.CONNECTED && !session.has(Capability.RPC)) {
            return new RpcCallException(ErrorCode.CAPABILITY_UNAVAILABLE,
                    "the node does not offer RPC on this session now");
        }
        return null;
    }

    static RpcCallException asRpcFailure(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof RpcCallException r) {
            return r;
        }
        if (cause instanceof AldisException a) {
            return new RpcCallException(a.rawCode(), a.reason(), "", a);
        }
        return new RpcCallException(ErrorCode.INTERNAL_ERROR.code(), String.valueOf(cause.getMessage()), "", cause);
    }

    private void connectionLost(DisconnectReason reason) {
        ClientState state = client.state();
        boolean mayResume = client.resumeToken().isPresent()
                && (state == ClientState.RECONNECTING || state == ClientState.CONNECTED);
        streams.connectionLost(reason.message(), mayResume);
        Set<Long> keptServed = servedStreams.connectionLost(mayResume);
        SessionInfo now = client.state() == ClientState.CONNECTED ? client.session() : null;
        UUID open = now == null ? null : now.sessionId();
        for (PendingCall pc : calls.values()) {
            if (open == null || !open.equals(pc.session)) {
                pc.future.completeExceptionally(new RpcCallException(ErrorCode.CONNECTION_INTERRUPTED.code(),
                        "the connection broke while " + pc.method + " was in flight (" + reason.message()
                                + "); it was not sent again",
                        ""));
            }
        }
        // Answers could not reach the caller any more: the node has failed those calls already;
        // but it keeps those whose stream is kept, for the session's resume.
        for (Served s : served.values()) {
            if (!keptServed.contains(s.callId)) {
                served.remove(s.callId, s);
                s.cancel();
            }
        }
    }

    /**
     * The served calls whose streams were kept cannot go on: their methods stop, and then their
     * streams end (in that order, so that no answer of theirs goes to the new session).
     */
    private void keptServedLost() {
        for (long callId : servedStreams.keptCalls()) {
            Served s = served.remove(callId);
            if (s != null) {
                s.cancel();
            }
        }
        servedStreams.keptLost();
    }

    // ---------------------------------------------------------------- inbound frames

    private boolean consume(Frame frame) {
        if (servedStreams.consume(frame) || streams.consume(frame)) {
            return true;
        }
        if (frame instanceof RpcResponse r) {
            PendingCall pc = calls.get(r.callId());
            if (pc == null) {
                return false;
            }
            Object value;
            try {
                value = decodeResult(r.result(), pc.resultType);
            } catch (Exception e) {
                pc.future.completeExceptionally(new RpcCallException(ErrorCode.SERVICE_ERROR.code(),
                        "the result of " + pc.method + " cannot be read as " + pc.resultType.getTypeName() + ": "
                                + e.getMessage(), "", e));
                return true;
            }
            pc.future.complete(value);
            return true;
        }
        if (frame instanceof RpcError e) {
            PendingCall pc = calls.get(e.callId());
            if (pc == null) {
                return false;
            }
            pc.future.completeExceptionally(new RpcCallException(e.code(), e.message(), e.details()));
            return true;
        }
        if (frame instanceof ErrorFrame e && e.requestId() != 0) {
            // The node refused the call before any service saw it (e.g. RPC is not installed now).
            PendingCall pc = calls.get(e.requestId());
            if (pc == null) {
                return false;
            }
            pc.future.completeExceptionally(new RpcCallException(e.code(), e.message(), e.details()));
            return true;
        }
        if (frame instanceof RpcRequest request) {
            serve(request);
            return true;
        }
        if (frame instanceof RpcCancel cancel) {
            Served s = served.remove(cancel.callId());
            if (s != null) {
                s.cancel();
            }
            return true;
        }
        return false;
    }

    static Object decodeResult(byte[] json, Type type) throws Exception {
        if (type == void.class || type == Void.class || json.length == 0) {
            return null;
        }
        if (type == String.class && json[0] == '"') {
            // A string result read with a bare parser: no deserialization context per call.
            try (JsonParser p = MAPPER.createParser(json)) {
                if (p.nextToken() == JsonToken.VALUE_STRING) {
                    String text = p.getText();
                    if (p.nextToken() == null) {
                        return text;
                    }
                }
            }
        }
        if (type instanceof Class<?> c) {
            return RESULT_READERS.get(c).readValue(json);
        }
        return resultReader(type).readValue(json);
    }

    private static ObjectReader resultReader(Type type) {
        JavaType javaType = MAPPER.constructType(type);
        return MAPPER.readerFor(javaType.isPrimitive() ? MAPPER.constructType(boxed(javaType.getRawClass())) : javaType);
    }

    /** Readers of plain result classes, resolved once per class rather than on every answer. */
    private static final ClassValue<ObjectReader> RESULT_READERS = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return resultReader(type);
        }
    };

    static Class<?> boxed(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        if (c == int.class) {
            return Integer.class;
        } else if (c == long.class) {
            return Long.class;
        } else if (c == boolean.class) {
            return Boolean.class;
        } else if (c == double.class) {
            return Double.class;
        } else if (c == float.class) {
            return Float.class;
        } else if (c == short.class) {
            return Short.class;
        } else if (c == byte.class) {
            return Byte.class;
        } else if (c == char.class) {
            return Character.class;
        }
        return Void.class;
    }

    // ---------------------------------------------------------------- serving provided services

    private void serve(RpcRequest request) {
        String method = request.method();
        int dot = method.lastIndexOf('.');
        Provided p = dot <= 0 ? null : provided.get(method.substring(0, dot));
        if (p == null || !p.active) {
            client.send(new RpcError(request.callId(), ErrorCode.METHOD_NOT_FOUND.code(),
                    "this client does not provide " + (dot <= 0 ? method : method.substring(0, dot)), ""));
            return;
        }
        String methodName = method.substring(dot + 1);
        ServedStreams onStreams = request.streams() && p.handler instanceof ReflectiveService r && r.streams(methodName)
                && servedStreams.available() ? servedStreams : null;
        if (request.streams() && onStreams == null && p.handler instanceof ReflectiveService r
                && r.takesStreamedParam(methodName)) {
            // The items of a streamed parameter are taken only as a JSON array: the caller calls again so.
            client.send(new RpcError(request.callId(), ErrorCode.STREAMING_UNAVAILABLE.code(), "this client takes "
                    + "the streamed parameter of " + method + " only as a JSON array: call again without STREAMS", ""));
            return;
        }
        Instant deadline = request.timeoutMillis() > 0 ? Instant.now().plusMillis(request.timeoutMillis()) : null;
        Served s = new Served(request.callId(), method, deadline);
        served.put(s.callId, s);
        String name = method.substring(dot + 1);
        try {
            handlerExecutor.execute(() -> run(p.handler, name, request.params(), s, onStreams));
        } catch (RejectedExecutionException e) {
            served.remove(s.callId, s);
            client.send(new RpcError(s.callId, ErrorCode.BUSY.code(), "the client cannot run more calls now", ""));
        }
    }

    /** Runs a served call; {@code onStreams} when it is served on a stream (a streaming method called with STREAMS). */
    private void run(RpcHandler handler, String name, byte[] params, Served s, ServedStreams onStreams) {
        if (s.isCancelled()) {
            return;
        }
        CompletionStage<byte[]> stage;
        try {
            stage = onStreams != null ? ((ReflectiveService) handler).handle(name, params, s, onStreams)
                    : handler.handle(name, params, s);
        } catch (Throwable t) {
            stage = CompletableFuture.failedFuture(t);
        }
        if (stage == null) {
            stage = CompletableFuture.completedFuture(null);
        }
        stage.whenComplete((result, error) -> answer(s, result, error));
    }

    private void answer(Served s, byte[] result, Throwable error) {
        try {
            send(s, result, error);
        } finally {
            servedStreams.callAnswered(s.callId); // the answer closes what is left of the call's stream
        }
    }

    private void send(Served s, byte[] result, Throwable error) {
        if (!served.remove(s.callId, s) || s.isCancelled()) {
            return; // cancelled: the node answered the caller already
        }
        if (error == null) {
            reply(new RpcResponse(s.callId, result == null || result.length == 0 ? JSON_NULL : result));
            return;
        }
        Throwable cause = unwrap(error);
        RpcError frame;
        if (cause instanceof RpcCallException r) {
            frame = new RpcError(s.callId, r.rawCode(), String.valueOf(r.reason()), r.details());
        } else if (cause instanceof CancellationException) {
            frame = new RpcError(s.callId, ErrorCode.CANCELLED.code(), "the service cancelled the call", "");
        } else {
            LOG.log(System.Logger.Level.DEBUG, "provided method " + s.method + " failed", cause);
            String message = cause.getMessage() == null ? "the service failed" : cause.getMessage();
            frame = new RpcError(s.callId, ErrorCode.SERVICE_ERROR.code(), message,
                    MAPPER.createObjectNode().put("exception", cause.getClass().getSimpleName()).toString());
        }
        reply(frame);
    }

    /** Sends a served call's answer, unless its stream holds it for after a session resume. */
    private void reply(Frame answer) {
        long callId = answer instanceof RpcResponse r ? r.callId() : ((RpcError) answer).callId();
        if (!servedStreams.holdAnswer(callId, answer)) {
            client.send(answer);
        }
    }

    /** The context of a call this client serves. */
    private static final class Served implements CallContext {
        final long callId;
        final String method;
        final Instant deadline;
        private final List<Runnable> actions = new ArrayList<>();
        private boolean cancelled;

        Served(long callId, String method, Instant deadline) {
            this.callId = callId;
            this.method = method;
            this.deadline = deadline;
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public long callId() {
            return callId;
        }

        @Override
        public Optional<Instant> deadline() {
            return Optional.ofNullable(deadline);
        }

        @Override
        public synchronized boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void onCancel(Runnable action) {
            synchronized (this) {
                if (!cancelled) {
                    actions.add(action);
                    return;
                }
            }
            runQuietly(action);
        }

        void cancel() {
            List<Runnable> toRun;
            synchronized (this) {
                if (cancelled) {
                    return;
                }
                cancelled = true;
                toRun = List.copyOf(actions);
                actions.clear();
            }
            toRun.forEach(Served::runQuietly);
        }

        private static void runQuietly(Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a cancel action failed", e);
            }
        }
    }

    // ---------------------------------------------------------------- provide and withdraw

    Registration provide(String service, Object target, Class<?> api) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(target, "target");
        RpcHandler handler;
        String descriptor;
        if (target instanceof RpcHandler h && api == null) {
            handler = h;
            descriptor = "";
        } else {
            ReflectiveService reflective = new ReflectiveService(target, api, () -> {
                SessionInfo session = client.session();
                return session == null ? Integer.MAX_VALUE : session.maxFrameSize();
            });
            handler = reflective;
            descriptor = reflective.descriptor();
        }
        Provided p = new Provided(service, descriptor, handler);
        RpcCallException missing = missingRpc();
        if (missing != null) {
            p.end(missing);
            return p;
        }
        Provided old = provided.put(service, p);
        if (old != null) {
            old.active = false; // the node replaces a service provided again on the same session
        }
        establish(p);
        return p;
    }

    private void establish(Provided p) {
        if (!p.active) {
            return;
        }
        SessionInfo session = client.session();
        if (client.state() != ClientState.CONNECTED || session == null) {
            if (!client.mayConnect()) {
                provided.remove(p.service, p);
                p.end(new AldisException(ErrorCode.CONNECTION_LOST, "the client is not connected"));
            }
            return;
        }
        p.sentOn = session.sessionId();
        long id = client.nextRequestId();
        client.request(id, new ServiceProvide(id, p.service, p.descriptor)).whenComplete((ack, error) -> {
            if (error == null) {
                p.ready.complete(null);
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof AldisException a && (a.code() == ErrorCode.CONNECTION_INTERRUPTED
                    || a.code() == ErrorCode.CONNECTION_LOST) && client.mayConnect()) {
                p.sentOn = null;
                SessionInfo now = client.session();
                if (client.state() == ClientState.CONNECTED && now != null
                        && !now.sessionId().equals(session.sessionId())) {
                    establish(p);
                }
                return;
            }
            provided.remove(p.service, p);
            p.end(cause);
        });
    }

    private CompletableFuture<Void> withdraw(Provided p) {
        if (!p.active) {
            return p.withdrawn;
        }
        p.active = false;
        provided.remove(p.service, p);
        if (!p.ready.isDone()) {
            p.ready.completeExceptionally(new AldisException(ErrorCode.CANCELLED, "withdrawn before the node answered"));
        }
        if (client.state() != ClientState.CONNECTED || provided.containsKey(p.service)) {
            p.withdrawn.complete(null);
            return p.withdrawn;
        }
        long id = client.nextRequestId();
        client.request(id, new ServiceWithdraw(id, p.service)).whenComplete((ack, error) -> {
            Throwable cause = error == null ? null : unwrap(error);
            if (cause == null || cause instanceof AldisException a && (a.code() == ErrorCode.METHOD_NOT_FOUND
                    || a.code() == ErrorCode.CONNECTION_INTERRUPTED || a.code() == ErrorCode.CONNECTION_LOST)) {
                p.withdrawn.complete(null);
            } else {
                p.withdrawn.completeExceptionally(cause);
            }
        });
        return p.withdrawn;
    }

    private final class Provided implements Registration {
        final String service;
        final String descriptor;
        final RpcHandler handler;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        final CompletableFuture<Void> withdrawn = new CompletableFuture<>();
        volatile boolean active = true;
        volatile UUID sentOn;

        Provided(String service, String descriptor, RpcHandler handler) {
            this.service = service;
            this.descriptor = descriptor;
            this.handler = handler;
        }

        void end(Throwable cause) {
            active = false;
            ready.completeExceptionally(cause);
            withdrawn.complete(null);
        }

        @Override
        public String service() {
            return service;
        }

        @Override
        public CompletableFuture<Void> ready() {
            return ready;
        }

        @Override
        public CompletableFuture<Void> withdraw() {
            return RpcSupport.this.withdraw(this);
        }

        @Override
        public void close() {
            withdraw();
        }

        @Override
        public String toString() {
            return "Registration[" + service + "]";
        }
    }

    // ---------------------------------------------------------------- proxies

    @SuppressWarnings("unchecked")
    <T> T proxy(Class<T> api, String service) {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(service, "service");
        if (!api.isInterface()) {
            throw new IllegalArgumentException(api.getName() + " is not an interface");
        }
        return (T) Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[] {api}, new ProxyHandler(service));
    }

    private final class ProxyHandler implements InvocationHandler {
        private final String service;

        ProxyHandler(String service) {
            this.service = service;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "proxy of remote service " + service;
                };
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            CallOptions options = CallOptions.defaults();
            List<Object> params = new ArrayList<>();
            if (args != null) {
                for (Object arg : args) {
                    if (arg instanceof CallOptions o) {
                        options = o;
                    } else {
                        params.add(arg);
                    }
                }
            }
            String name = service + "." + method.getName();
            Class<?> returns = method.getReturnType();
            Type streamedParam = streamedParamType(method);
            Type paramItems = StreamCalls.itemTypeOf(streamedParam);
            if (returns == Flow.Publisher.class) {
                return streams.callStream(name, params, paramItems, StreamCalls.itemTypeOf(method.getGenericReturnType()),
                        options);
            }
            boolean async = CompletionStage.class.isAssignableFrom(returns);
            Type resultType = !async ? method.getGenericReturnType()
                    : method.getGenericReturnType() instanceof ParameterizedType p ? p.getActualTypeArguments()[0]
                    : Object.class;
            CompletableFuture<Object> future = streamedParam != null
                    ? streams.callWithStream(name, params, paramItems, resultType, options)
                    : call(name, params, resultType, options);
            if (async) {
                return future;
            }
            Object value;
            try {
                value = future.get();
            } catch (IllegalStateException e) {
                // a wait that could never end (ClientFuture): the call is not wanted any more
                future.cancel(true);
                throw e;
            } catch (InterruptedException e) {
                future.cancel(true);
                for (Class<?> declared : method.getExceptionTypes()) {
                    if (declared.isAssignableFrom(InterruptedException.class)) {
                        throw e;
                    }
                }
                Thread.currentThread().interrupt();
                throw new RpcCallException(ErrorCode.CANCELLED, "interrupted while waiting for " + name);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RpcCallException r) {
                    // A fresh exception, so that the stack trace shows the caller's code.
                    throw new RpcCallException(r.rawCode(), r.reason(), r.details(), r);
                }
                throw asRpcFailure(cause);
            }
            if (value == null && returns.isPrimitive() && returns != void.class) {
                throw new RpcCallException(ErrorCode.SERVICE_ERROR.code(), name + " returned null for a "
                        + returns.getName(), "");
            }
            return value;
        }
    }

    /** The declared type of the method's {@code Flow.Publisher} parameter, or null when it has none. */
    private static Type streamedParamType(Method method) {
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == Flow.Publisher.class) {
                return method.getGenericParameterTypes()[i];
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static final class PendingCall {
        final long id;
        final String method;
        final Type resultType;
        final UUID session;
        final CompletableFuture<Object> future;
        volatile io.netty.util.Timeout timer;

        PendingCall(CompletableFuture<Object> future, long id, String method, Type resultType, UUID session) {
            this.id = id;
            this.method = method;
            this.resultType = resultType;
            this.session = session;
            this.future = future;
        }
    }
}
