package io.aldis.client.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aldis.client.CallContext;
import io.aldis.client.RpcCallException;
import io.aldis.client.RpcHandler;
import io.aldis.protocol.api.ErrorCode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Serves a plain Java object as a provided service: each call is decoded with Jackson into the
 * parameter types of the method with the called name, the method runs on the calling worker
 * thread, and the result is encoded back. A parameter of type {@link CallContext} gets the call's
 * context instead of a value. A cancelled call interrupts the running method, or cancels the
 * future it returned.
 */
final class ReflectiveService implements RpcHandler {
    /** Strict like the node's own decoding: no silent coercions, no nulls into primitives, no unknown fields. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private final Object target;
    private final Map<String, Method> methods = new LinkedHashMap<>();

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
                methods.putIfAbsent(m.getName(), m);
            }
        }
        for (Method m : methods.values()) {
            try {
                m.setAccessible(true); // a public method of a class that is not public
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
        ObjectNode root = STRICT.createObjectNode();
        ArrayNode list = root.putArray("methods");
        for (Method m : methods.values()) {
            ObjectNode entry = list.addObject().put("name", m.getName());
            ArrayNode params = entry.putArray("params");
            Parameter[] ps = m.getParameters();
            Type[] generic = m.getGenericParameterTypes();
            for (int i = 0; i < ps.length; i++) {
                if (ps[i].getType() != CallContext.class) {
                    params.add(ps[i].getName() + ": " + shortName(generic[i]));
                }
            }
            entry.put("result", shortName(resultType(m)));
        }
        return root.toString();
    }

    private static Type resultType(Method m) {
        if (CompletionStage.class.isAssignableFrom(m.getReturnType())) {
            return m.getGenericReturnType() instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        }
        return m.getGenericReturnType();
    }

    /** Simple names, generic arguments kept: {@code List<Item>}. */
    static String shortName(Type type) {
        if (type instanceof Class<?> c) {
            return c.isArray() ? shortName(c.getComponentType()) + "[]" : c.getSimpleName();
        }
        if (type instanceof ParameterizedType p) {
            StringBuilder b = new StringBuilder(shortName(p.getRawType())).append('<');
            Type[] args = p.getActualTypeArguments();
            for (int i = 0; i < args.length; i++) {
                if (i > 0) {
                    b.append(", ");
                }
                b.append(shortName(args[i]));
            }
            return b.append('>').toString();
        }
        return type.getTypeName();
    }

    @Override
    public CompletionStage<byte[]> handle(String name, byte[] params, CallContext context) throws Exception {
        Method m = methods.get(name);
        if (m == null) {
            throw new RpcCallException(ErrorCode.METHOD_NOT_FOUND, "this service has no method " + name);
        }
        Object[] args = decode(m, params, context);
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
            result = m.invoke(target, args);
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
            throw new RpcCallException(ErrorCode.SERVICE_ERROR.code(), "the result cannot be encoded as JSON: "
                    + e.getMessage(), "", e);
        }
    }

    // ---------------------------------------------------------------- parameters

    private Object[] decode(Method m, byte[] params, CallContext context) {
        Parameter[] ps = m.getParameters();
        Type[] generic = m.getGenericParameterTypes();
        List<Integer> valued = new ArrayList<>();
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].getType() != CallContext.class) {
                valued.add(i);
            }
        }
        JsonNode[] nodes = new JsonNode[ps.length];
        List<String[]> errors = new ArrayList<>();
        split(params, ps, valued, nodes, errors);
        Object[] args = new Object[ps.length];
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].getType() == CallContext.class) {
                args[i] = context;
                continue;
            }
            JsonNode node = nodes[i];
            if (node == null || node.isNull() || node.isMissingNode()) {
                if (ps[i].getType().isPrimitive()) {
                    errors.add(new String[] {ps[i].getName(), "field required"});
                }
                continue;
            }
            JavaType type = STRICT.constructType(generic[i]);
            try {
                args[i] = STRICT.readerFor(type).readValue(node);
            } catch (JsonMappingException e) {
                errors.add(new String[] {path(ps[i].getName(), e), e.getOriginalMessage()});
            } catch (Exception e) {
                errors.add(new String[] {ps[i].getName(), "cannot be read as " + shortName(generic[i])});
            }
        }
        if (!errors.isEmpty()) {
            ObjectNode details = STRICT.createObjectNode();
            ArrayNode list = details.putArray("errors");
            for (String[] e : errors) {
                list.addObject().put("path", e[0]).put("reason", e[1]);
            }
            throw new RpcCallException(ErrorCode.INVALID_PARAMS.code(), "invalid parameters for " + m.getName()
                    + ": " + errors.size() + " error(s)", details.toString());
        }
        return args;
    }

    /** One JSON node per parameter: by position from an array, by name from an object, or the single parameter itself. */
    private static void split(byte[] params, Parameter[] ps, List<Integer> valued, JsonNode[] nodes,
            List<String[]> errors) {
        if (params.length == 0) {
            return;
        }
        JsonNode root;
        try {
            root = STRICT.readTree(params);
        } catch (Exception e) {
            errors.add(new String[] {"", "malformed JSON"});
            return;
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return;
        }
        if (root.isArray()) {
            if (root.size() > valued.size()) {
                errors.add(new String[] {"", "expected at most " + valued.size() + " parameters, got " + root.size()});
                return;
            }
            for (int i = 0; i < root.size(); i++) {
                nodes[valued.get(i)] = root.get(i);
            }
            return;
        }
        if (root.isObject()) {
            if (valued.size() == 1 && !root.has(ps[valued.get(0)].getName()) && isObjectType(ps[valued.get(0)].getType())) {
                nodes[valued.get(0)] = root;
                return;
            }
            for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
                String field = it.next();
                Integer index = null;
                for (int i : valued) {
                    if (ps[i].getName().equals(field)) {
                        index = i;
                    }
                }
                if (index == null) {
                    errors.add(new String[] {field, "unknown parameter"});
                } else {
                    nodes[index] = root.get(field);
                }
            }
            return;
        }
        if (valued.size() == 1) {
            nodes[valued.get(0)] = root;
            return;
        }
        errors.add(new String[] {"", "parameters must be a JSON array or object"});
    }

    private static boolean isObjectType(Class<?> raw) {
        return !raw.isPrimitive() && !raw.isEnum() && !raw.isArray() && !CharSequence.class.isAssignableFrom(raw)
                && !Number.class.isAssignableFrom(raw) && raw != Boolean.class && raw != Object.class
                && !java.util.Collection.class.isAssignableFrom(raw);
    }

    private static String path(String parameter, JsonMappingException e) {
        StringBuilder b = new StringBuilder(parameter);
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                b.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                b.append('[').append(ref.getIndex()).append(']');
            }
        }
        return b.toString();
    }
}
