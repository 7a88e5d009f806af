package io.aldis.feature.rpc.internal.export;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.protocol.api.params.InvalidParamsException;
import io.aldis.protocol.api.params.ParamDecoder;
import io.aldis.protocol.api.params.ParamSignature;
import io.aldis.protocol.api.params.TypeNames;
import io.aldis.protocol.api.params.ValueCheck;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One remotely callable method, with what decoding and listing need: a method of an OSGi service,
 * or a method a client declared in its service descriptor (then it has no Java method, and only
 * decoding uses it).
 */
public final class ExportedMethod {
    final String name;
    final Method method;
    private final ParamSignature signature;
    /** The constraint annotations of each parameter, checked after decoding. */
    private final ValueCheck constraints;
    final Type resultType;
    /** Writes results when the declared type is final (so it is the runtime type); else null. */
    final ObjectWriter resultWriter;

    ExportedMethod(Method method) {
        this.name = method.getName();
        this.method = method;
        try {
            method.setAccessible(true); // a public method of a non-public type is callable too
        } catch (RuntimeException notOpen) {
            // left to the normal access rules
        }
        this.signature = ParamSignature.of(method);
        this.constraints = Validator.constraintsOf(signature, method.getParameterAnnotations());
        Type result = method.getGenericReturnType();
        if (CompletionStage.class.isAssignableFrom(method.getReturnType())) {
            result = result instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        }
        this.resultType = result;
        // Resolved once per method, not per call: finding the serializer on every call costs.
        this.resultWriter = result instanceof Class<?> c && !c.isPrimitive() && !c.isArray()
                && Modifier.isFinal(c.getModifiers()) ? Json.MAPPER.writerFor(c) : null;
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
    }

    /** The arguments for a call's JSON parameters, decoded and checked against the parameters' constraints. */
    public Object[] decode(byte[] params, boolean rejectUnknown) throws InvalidParamsException {
        return ParamDecoder.decode(signature, params, rejectUnknown, constraints);
    }

    int arity() {
        return signature.arity();
    }

    MethodInfo info() {
        List<String> params = new ArrayList<>();
        Type[] types = method.getGenericParameterTypes();
        for (int i = 0; i < signature.arity(); i++) {
            params.add(signature.name(i) + ": " + TypeNames.shortName(types[i]));
        }
        return new MethodInfo(name, params, TypeNames.shortName(resultType));
    }
}
