package io.aldis.feature.rpc.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.aldis.feature.rpc.api.MethodInfo;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
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
final class ExportedMethod {
    final String name;
    final Method method;
    final String[] parameterNames;
    final JavaType[] parameterTypes;
    final Annotation[][] parameterAnnotations;
    final boolean[] primitive;
    final Type resultType;
    // Readers and the writer are resolved once per method, not per call: finding Jackson's
    // (de)serializer for a type on every call was a visible part of a call's cost.
    final ObjectReader[] strictReaders;
    final ObjectReader[] lenientReaders;
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
        Parameter[] params = method.getParameters();
        Type[] generic = method.getGenericParameterTypes();
        this.parameterNames = new String[params.length];
        this.parameterTypes = new JavaType[params.length];
        this.primitive = new boolean[params.length];
        this.strictReaders = new ObjectReader[params.length];
        this.lenientReaders = new ObjectReader[params.length];
        this.parameterAnnotations = method.getParameterAnnotations();
        for (int i = 0; i < params.length; i++) {
            parameterNames[i] = params[i].getName();
            parameterTypes[i] = Json.MAPPER.getTypeFactory().constructType(generic[i]);
            primitive[i] = params[i].getType().isPrimitive();
            readers(i);
        }
        Type result = method.getGenericReturnType();
        if (CompletionStage.class.isAssignableFrom(method.getReturnType())) {
            result = result instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        }
        this.resultType = result;
        this.resultWriter = result instanceof Class<?> c && !c.isPrimitive() && !c.isArray()
                && Modifier.isFinal(c.getModifiers()) ? Json.MAPPER.writerFor(c) : null;
    }

    /** A method of a client-provided service, as its descriptor declares it. */
    static ExportedMethod declared(MethodInfo info) {
        List<String> declarations = info.parameters();
        String[] names = new String[declarations.size()];
        JavaType[] types = new JavaType[declarations.size()];
        for (int i = 0; i < names.length; i++) {
            DeclaredTypes.Declared parameter = DeclaredTypes.parameter(declarations.get(i), i);
            names[i] = parameter.name();
            types[i] = parameter.type();
        }
        return new ExportedMethod(info.name(), names, types);
    }

    private ExportedMethod(String name, String[] parameterNames, JavaType[] parameterTypes) {
        this.name = name;
        this.method = null;
        this.parameterNames = parameterNames;
        this.parameterTypes = parameterTypes;
        this.parameterAnnotations = new Annotation[parameterNames.length][0];
        this.primitive = new boolean[parameterNames.length];
        this.strictReaders = new ObjectReader[parameterNames.length];
        this.lenientReaders = new ObjectReader[parameterNames.length];
        for (int i = 0; i < parameterNames.length; i++) {
            primitive[i] = parameterTypes[i].isPrimitive();
            readers(i);
        }
        this.resultType = Object.class;
        this.resultWriter = null;
    }

    private void readers(int i) {
        // Each reads one value of the parameter array, so what follows it is not "trailing":
        // the decoder checks the end of the whole array itself.
        ObjectReader reader = Json.MAPPER.readerFor(parameterTypes[i])
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        strictReaders[i] = reader.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        lenientReaders[i] = reader.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    int arity() {
        return parameterNames.length;
    }

    MethodInfo info() {
        List<String> params = new ArrayList<>();
        for (int i = 0; i < parameterNames.length; i++) {
            params.add(parameterNames[i] + ": " + typeName(method.getGenericParameterTypes()[i]));
        }
        return new MethodInfo(name, params, typeName(resultType));
    }

    /** A short type name: simple class names, generics kept ({@code List<OrderItem>}). */
    static String typeName(Type type) {
        if (type instanceof Class<?> c) {
            return c.isArray() ? typeName(c.getComponentType()) + "[]" : c.getSimpleName();
        }
        if (type instanceof ParameterizedType p) {
            StringBuilder b = new StringBuilder(typeName(p.getRawType())).append('<');
            Type[] args = p.getActualTypeArguments();
            for (int i = 0; i < args.length; i++) {
                b.append(i == 0 ? "" : ", ").append(typeName(args[i]));
            }
            return b.append('>').toString();
        }
        return type.getTypeName();
    }
}
