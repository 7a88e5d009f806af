package io.aldis.feature.rpc.internal.export;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.internal.streams.StreamDeclaration;
import io.aldis.protocol.api.params.InvalidParamsException;
import io.aldis.protocol.api.params.ParamDecoder;
import io.aldis.protocol.api.params.ParamSignature;
import io.aldis.protocol.api.params.TypeNames;
import io.aldis.protocol.api.params.ValueCheck;
import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One remotely callable method, with what decoding and listing need: a method of an OSGi service,
 * or a method a client declared in its service descriptor (then it has no Java method, and only
 * decoding uses it).
 */
public final class ExportedMethod {
    /** Checked exceptions of waiting: interrupted, timed out, I/O (JDBC's included), a failed future. */
    private static final List<Class<?>> WAITING = List.of(InterruptedException.class, TimeoutException.class,
            IOException.class, SQLException.class, ExecutionException.class);

    final String name;
    final Method method;
    private final ParamSignature signature;
    /** The constraint annotations of each parameter, checked after decoding. */
    private final ValueCheck constraints;
    final Type resultType;
    /** Writes results when the declared type is final (so it is the runtime type); else null. */
    final ObjectWriter resultWriter;
    /** How the method streams, or null when it does not. */
    final StreamDeclaration stream;
    /** Where its calls run when its service leaves it to the node. */
    final OnLoopPolicy loopPolicy = new OnLoopPolicy();
    /**
     * Whether it declares an exception that code which waits throws ({@link #WAITING}, or a type
     * broad enough to hold one, such as {@code Exception}): the node then runs it on the workers
     * from its first call, even where its service leaves that to the node.
     */
    final boolean declaresWaiting;

    ExportedMethod(Method method) {
        this.name = method.getName();
        this.method = method;
        try {
            method.setAccessible(true); // a public method of a non-public type is callable too
        } catch (RuntimeException notOpen) {
            // left to the normal access rules
        }
        String[] names = Arrays.stream(method.getParameters()).map(Parameter::getName).toArray(String[]::new);
        ParamSignature plain = ParamSignature.of(method);
        this.stream = StreamDeclaration.of(method, names, Validator.constraintsOf(plain, method.getParameterAnnotations()));
        // A streamed parameter given in the parameters themselves (a caller without streams) is a JSON array.
        this.signature = stream == null || stream.parameter() < 0 ? plain : withBatch(method, names, stream);
        this.constraints = Validator.constraintsOf(signature, method.getParameterAnnotations());
        Type result = method.getGenericReturnType();
        if (CompletionStage.class.isAssignableFrom(method.getReturnType())) {
            result = result instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        }
        this.resultType = result;
        // Resolved once per method, not per call: finding the serializer on every call costs.
        this.resultWriter = result instanceof Class<?> c && !c.isPrimitive() && !c.isArray()
                && Modifier.isFinal(c.getModifiers()) ? Json.MAPPER.writerFor(c) : null;
        this.declaresWaiting = Arrays.stream(method.getExceptionTypes())
                .anyMatch(thrown -> WAITING.stream().anyMatch(w -> w.isAssignableFrom(thrown) || thrown.isAssignableFrom(w)));
    }

    private static ParamSignature withBatch(Method method, String[] names, StreamDeclaration stream) {
        List<Type> types = new ArrayList<>(List.of(method.getGenericParameterTypes()));
        types.set(stream.parameter(), stream.received().batchType());
        return ParamSignature.of(List.of(names), types);
    }

    /** A method of a client-provided service, as its descriptor declares it. */
    public static ExportedMethod declared(MethodInfo info) {
        List<String> declarations = info.parameters();
        List<String> names = new ArrayList<>();
        List<JavaType> types = new ArrayList<>();
        for (int i = 0; i < declarations.size(); i++) {
            DeclaredTypes.Declared parameter = DeclaredTypes.parameter(declarations.get(i), i);
            names.add(parameter.name());
            types.add(parameter.type());
        }
        return new ExportedMethod(info.name(), ParamSignature.of(names, types));
    }

    private ExportedMethod(String name, ParamSignature signature) {
        this.name = name;
        this.method = null;
        this.signature = signature;
        this.constraints = ValueCheck.NONE;
        this.resultType = Object.class;
        this.resultWriter = null;
        this.stream = null;
        this.declaresWaiting = false;
    }

    /** The arguments for a call's JSON parameters, decoded and checked against the parameters' constraints. */
    public Object[] decode(byte[] params, boolean rejectUnknown) throws InvalidParamsException {
        return ParamDecoder.decode(signature, params, rejectUnknown, constraints);
    }

    /** A type as listings and descriptors write it: a publisher as {@code Stream<T>} (docs/protocol.md 5.5). */
    private static String typeName(Type type) {
        if (StreamDeclaration.isStream(type)) {
            Type item = StreamDeclaration.itemType(type);
            return "Stream<" + (item == byte[].class || item == java.nio.ByteBuffer.class ? "bytes"
                    : TypeNames.shortName(item)) + ">";
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c
                && CompletionStage.class.isAssignableFrom(c)) {
            return typeName(p.getActualTypeArguments()[0]);
        }
        return TypeNames.shortName(type);
    }

    int arity() {
        return signature.arity();
    }

    MethodInfo info() {
        List<String> params = new ArrayList<>();
        Type[] types = method.getGenericParameterTypes();
        for (int i = 0; i < signature.arity(); i++) {
            params.add(signature.name(i) + ": " + typeName(types[i]));
        }
        return new MethodInfo(name, params, typeName(method.getGenericReturnType()));
    }
}
