package io.aldis.client.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aldis.client.CallContext;
import io.aldis.client.RpcCallException;
import io.aldis.client.RpcHandler;
import io.aldis.client.internal.stream.ServedStream;
import io.aldis.client.internal.stream.ServedStreams;
import io.aldis.client.internal.stream.StreamingMethod;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.params.InvalidParamsException;
import io.aldis.protocol.api.params.ParamDecoder;
import io.aldis.protocol.api.params.ParamSignature;
import io.aldis.protocol.api.params.TypeNames;
import io.aldis.protocol.api.params.ValueCheck;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves a plain Java object as a provided service: each call's parameters are decoded into the
 * parameter types of the method with the called name, strictly and with the errors the node gives
 * for its own services ({@link ParamDecoder}), the method runs on the calling worker thread, and
 * the result is encoded back. A parameter of type {@link CallContext} gets the call's context
 * instead of a value. A cancelled call interrupts the running method, or cancels the future it
 * returned.
 *
 * <p>A method that returns or takes a {@code Flow.Publisher} is a streaming method
 * ({@link StreamingMethod}). Called with {@code STREAMS} while the session takes streams, it is
 * served on a stream this client opens as the callee ({@link ServedStreams}): the method gets a
 * publisher of the caller's items and its returned publisher's items go out within the node's
 * credit. Called without, it is served with batches (docs/protocol.md 6.4.1): a streamed parameter
 * arrives as a JSON array and reaches the method as a publisher of its items; the items of a
 * returned publisher are collected into one JSON array that must fit in one frame of the session's
 * {@code maxFrameSize} ({@code MESSAGE_TOO_LARGE} otherwise).
 */
final class ReflectiveService implements RpcHandler {
    private final Object target;
    private final IntSupplier maxFrameSize;
    private final Map<String, Served> methods = new LinkedHashMap<>();

    ReflectiveService(Object target, Class<?> api) {
        this(target, api, () -> Integer.MAX_VALUE);
    }

    /**
     * Serves {@code target}'s methods ({@code api}'s, when given); {@code maxFrameSize} gives the
     * session's frame limit when a streamed result is batched.
     *
     * @throws IllegalArgumentException for a streaming method the protocol does not allow
     */
    ReflectiveService(Object target, Class<?> api, IntSupplier maxFrameSize) {
        this.target = target;
        this.maxFrameSize = maxFrameSize;
        List<Class<?>> types = new ArrayList<>();
        if (api != null) {
            if (!api.isInstance(target)) {
                throw new IllegalArgumentException(target.getClass().getName() + " does not implement " + api.getName());
            }
            types.add(api);
        } else {
            collectInterfaces(target.getClass(), types);
            if (types.isEmpty()) {
                types.add(target.getClass());
            }
        }
        for (Class<?> type : types) {
            Method[] candidates = type.getMethods();
            // Overloads cannot be told apart by name: the one with the fewest parameters is served.
            Arrays.sort(candidates, Comparator.comparing(Method::getName).thenComparingInt(Method::getParameterCount));
            for (Method m : candidates) {
                if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()
                        || m.isBridge()) {
                    continue;
                }
                if (!methods.containsKey(m.getName())) {
                    methods.put(m.getName(), new Served(m));
                }
            }
        }
        for (Served served : methods.values()) {
            try {
                served.method.setAccessible(true); // a public method of a class that is not public
            } catch (RuntimeException notOpen) {
                // left to the normal access rules
            }
        }
    }

    private static void collectInterfaces(Class<?> type, List<Class<?>> out) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (!i.getName().startsWith("java.") && !out.contains(i)) {
                    out.add(i);
                }
            }
        }
    }

    /** {@code {"methods":[{"name":...,"params":["name: Type",...],"result":"Type"}]}}. */
    String descriptor() {
        ObjectNode root = RpcSupport.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("methods");
        for (Served served : methods.values()) {
            Method m = served.method;
            ObjectNode entry = list.addObject().put("name", m.getName());
            ArrayNode params = entry.putArray("params");
            Parameter[] ps = m.getParameters();
            Type[] generic = m.getGenericParameterTypes();
            StreamingMethod streaming = served.streaming.orElse(null);
            for (int i = 0; i < ps.length; i++) {
                if (streaming != null && i == streaming.streamedParam()) {
                    params.add(ps[i].getName() + ": " + streaming.paramTypeName());
                } else if (ps[i].getType() != CallContext.class) {
                    params.add(ps[i].getName() + ": " + TypeNames.shortName(generic[i]));
                }
            }
            entry.put("result", streaming != null && streaming.streamsResult() ? streaming.resultTypeName()
                    : TypeNames.shortName(resultType(m)));
            if (streaming != null) {
                streaming.streamObject(RpcSupport.MAPPER).ifPresent(stream -> entry.set("stream", stream));
            }
        }
        return root.toString();
    }

    /** Whether {@code name} streams a parameter, its result or both. */
    boolean streams(String name) {
        Served served = methods.get(name);
        return served != null && served.streaming.isPresent();
    }

    /** Whether {@code name} takes a streamed parameter. */
    boolean takesStreamedParam(String name) {
        Served served = methods.get(name);
        return served != null && served.streaming.map(s -> s.streamedParam() >= 0).orElse(false);
    }

    private static Type resultType(Method m) {
        if (CompletionStage.class.isAssignableFrom(m.getReturnType())) {
            return m.getGenericReturnType() instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        }
        return m.getGenericReturnType();
    }

    @Override
    public CompletionStage<byte[]> handle(String name, byte[] params, CallContext context) throws Exception {
        Served served = methods.get(name);
        if (served == null) {
            throw new RpcCallException(ErrorCode.METHOD_NOT_FOUND, "this service has no method " + name);
        }
        Object result = invoke(served, decode(served, params, context), context);
        if (served.streaming.isPresent() && served.streaming.get().streamsResult()) {
            CompletableFuture<byte[]> batch = served.streaming.get().collectResult(result, RpcSupport.MAPPER,
                    maxFrameSize.getAsInt());
            context.onCancel(() -> batch.cancel(true));
            return batch;
        }
        if (result instanceof CompletionStage<?> stage) {
            CompletableFuture<?> future = stage.toCompletableFuture();
            context.onCancel(() -> future.cancel(true));
            return future.thenApply(ReflectiveService::encode);
        }
        return CompletableFuture.completedFuture(encode(result));
    }

    /**
     * Serves a call of a streaming method made with {@code STREAMS} on a stream of its own: opens
     * it, gives the method the caller's items as they come, and sends the items of the publisher
     * it returns. The answer comes once the stream has ended (a streamed result) or from the
     * method (a streamed parameter alone), or with the error the stream failed with.
     */
    CompletionStage<byte[]> handle(String name, byte[] params, CallContext context, ServedStreams streams)
            throws Exception {
        Served served = methods.get(name);
        if (served == null || served.streaming.isEmpty()) {
            return handle(name, params, context);
        }
        StreamingMethod streaming = served.streaming.get();
        Object[] args = decodeValues(served, params, context);
        int streamed = streaming.streamedParam();
        if (streamed >= 0 && args[streamed] != null) {
            throw new RpcCallException(ErrorCode.INVALID_PARAMS, "parameter '"
                    + served.method.getParameters()[streamed].getName() + "' comes on the call's stream: give null here");
        }
        ServedStream stream = streams.open(context.callId(), streaming);
        context.onCancel(stream::callCancelled);
        if (streamed >= 0) {
            args[streamed] = stream.parameter();
        }
        Object result;
        try {
            result = invoke(served, args, context);
        } catch (Exception e) {
            stream.methodFailed(e);
            return stream.answer();
        }
        if (streaming.streamsResult()) {
            stream.sendResult(result);
        } else if (result instanceof CompletionStage<?> stage) {
            CompletableFuture<?> future = stage.toCompletableFuture();
            context.onCancel(() -> future.cancel(true));
            future.whenComplete((value, failure) -> {
                if (failure != null) {
                    stream.methodFailed(failure);
                } else {
                    answerWith(stream, value);
                }
            });
        } else {
            answerWith(stream, result);
        }
        return stream.answer();
    }

    private static void answerWith(ServedStream stream, Object value) {
        try {
            stream.methodAnswered(encode(value));
        } catch (RuntimeException e) {
            stream.methodFailed(e);
        }
    }

    /** Runs the method on this thread; a cancel of the call interrupts it while it runs. */
    private Object invoke(Served served, Object[] args, CallContext context) throws Exception {
        Thread worker = Thread.currentThread();
        Object lock = new Object();
        boolean[] running = {true};
        context.onCancel(() -> {
            synchronized (lock) {
                if (running[0]) {
                    worker.interrupt();
                }
            }
        });
        try {
            return served.method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } finally {
            synchronized (lock) {
                running[0] = false;
            }
            if (context.isCancelled()) {
                Thread.interrupted(); // the interrupt was meant for this call only, not for the pool's thread
            }
        }
    }

    private static byte[] encode(Object value) {
        try {
            return RpcSupport.MAPPER.writeValueAsBytes(value);
        } catch (Exception e) {
            // The caller gets the protocol's words; the encoder's own text stays with the cause, for the provider's log.
            throw new RpcCallException(ErrorCode.SERVICE_ERROR.code(), "the result of type "
                    + value.getClass().getSimpleName() + " cannot be encoded as JSON", "", e);
        }
    }

    // ---------------------------------------------------------------- parameters

    /**
     * The arguments of a call: the JSON parameters decoded by the node's own algorithm (so a call
     * is read here as the node reads calls of its services), and the call's context where the
     * method asks for it.
     */
    private Object[] decode(Served m, byte[] params, CallContext context) {
        Object[] args = decodeValues(m, params, context);
        if (m.streaming.isPresent() && m.streaming.get().streamedParam() >= 0) {
            int streamed = m.streaming.get().streamedParam();
            args[streamed] = m.streaming.get().publisherOf(args[streamed]);
        }
        return args;
    }

    /** The arguments as {@code params} gives them, a streamed parameter as its batch (or null). */
    private Object[] decodeValues(Served m, byte[] params, CallContext context) {
        Object[] values;
        try {
            values = ParamDecoder.decode(m.signature, params, true, ValueCheck.NONE);
        } catch (InvalidParamsException e) {
            throw new RpcCallException(ErrorCode.INVALID_PARAMS.code(), e.getMessage(), e.details());
        }
        Object[] args = new Object[m.method.getParameterCount()];
        int next = 0;
        for (int i = 0; i < args.length; i++) {
            args[i] = m.fromContext[i] ? context : values[next++];
        }
        return args;
    }

    /** A served method: which of its parameters the call's context fills, and the others' signature. */
    private static final class Served {
        final Method method;
        final boolean[] fromContext;
        final ParamSignature signature;
        final Optional<StreamingMethod> streaming;

        Served(Method method) {
            this.method = method;
            this.streaming = StreamingMethod.of(method);
            Parameter[] ps = method.getParameters();
            Type[] generic = method.getGenericParameterTypes().clone();
            streaming.filter(s -> s.streamedParam() >= 0).ifPresent(s -> generic[s.streamedParam()] = s.batchType());
            this.fromContext = new boolean[ps.length];
            List<String> names = new ArrayList<>();
            List<Type> types = new ArrayList<>();
            for (int i = 0; i < ps.length; i++) {
                fromContext[i] = ps[i].getType() == CallContext.class;
                if (!fromContext[i]) {
                    names.add(ps[i].getName());
                    types.add(generic[i]);
                }
            }
            this.signature = ParamSignature.of(names, types);
        }
    }
}
