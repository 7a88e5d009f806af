package io.aldis.client.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aldis.client.CallContext;
import io.aldis.client.RpcCallException;
import io.aldis.client.RpcHandler;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves a plain Java object as a provided service: each call's parameters are decoded into the
 * parameter types of the method with the called name, strictly and with the errors the node gives
 * for its own services ({@link ParamDecoder}), the method runs on the calling worker thread, and
 * the result is encoded back. A parameter of type {@link CallContext} gets the call's context
 * instead of a value. A cancelled call interrupts the running method, or cancels the future it
 * returned.
 */
final class ReflectiveService implements RpcHandler {
    private final Object target;
    private final Map<String, Served> methods = new LinkedHashMap<>();

    ReflectiveService(Object target, Class<?> api) {
        this.target = target;
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
            for (int i = 0; i < ps.length; i++) {
                if (ps[i].getType() != CallContext.class) {
                    params.add(ps[i].getName() + ": " + TypeNames.shortName(generic[i]));
                }
            }
            entry.put("result", TypeNames.shortName(resultType(m)));
        }
        return root.toString();
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
        Object[] args = decode(served, params, context);
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
        Object result;
        try {
            result = served.method.invoke(target, args);
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
        if (result instanceof CompletionStage<?> stage) {
            CompletableFuture<?> future = stage.toCompletableFuture();
            context.onCancel(() -> future.cancel(true));
            return future.thenApply(ReflectiveService::encode);
        }
        return CompletableFuture.completedFuture(encode(result));
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

        Served(Method method) {
            this.method = method;
            Parameter[] ps = method.getParameters();
            Type[] generic = method.getGenericParameterTypes();
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
