package io.aldis.protocol.api.params;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters a method takes from a call's JSON: their names and generic types, with what
 * decoding them needs resolved once, not per call (finding a deserializer for a type on every call
 * was a visible part of a call's cost). Immutable and safe to share between threads.
 */
public final class ParamSignature {
    private final String[] names;
    private final JavaType[] types;
    private final boolean[] primitive;
    private final ObjectReader[] strictReaders;
    private final ObjectReader[] lenientReaders;

    private ParamSignature(List<String> names, List<? extends Type> declared) {
        if (names.size() != declared.size()) {
            throw new IllegalArgumentException(names.size() + " names for " + declared.size() + " types");
        }
        int n = names.size();
        this.names = names.toArray(String[]::new);
        this.types = new JavaType[n];
        this.primitive = new boolean[n];
        this.strictReaders = new ObjectReader[n];
        this.lenientReaders = new ObjectReader[n];
        for (int i = 0; i < n; i++) {
            types[i] = StrictJson.MAPPER.getTypeFactory().constructType(declared.get(i));
            primitive[i] = types[i].isPrimitive();
            // Each reads one value of the parameter array, so what follows it is not "trailing":
            // the decoder checks the end of the whole array itself.
            ObjectReader reader = StrictJson.MAPPER.readerFor(types[i])
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
            strictReaders[i] = reader.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            lenientReaders[i] = reader.without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        }
    }

    /**
     * Parameters by name and generic type, in the order a JSON array gives them.
     *
     * @param types any {@link Type}: a class, a parameterized type, or a type a JSON library built
     */
    public static ParamSignature of(List<String> names, List<? extends Type> types) {
        return new ParamSignature(names, types);
    }

    /** Every parameter of {@code method} (their names are real when the code was compiled with {@code -parameters}). */
    public static ParamSignature of(Method method) {
        Parameter[] parameters = method.getParameters();
        return new ParamSignature(Arrays.stream(parameters).map(Parameter::getName).toList(),
                List.of(method.getGenericParameterTypes()));
    }

    /** How many parameters the JSON gives. */
    public int arity() {
        return names.length;
    }

    /** The name of parameter {@code index}, which the JSON object form uses and errors name. */
    public String name(int index) {
        return names[index];
    }

    /** Whether parameter {@code index} is a primitive, which a missing or null value cannot fill. */
    public boolean primitive(int index) {
        return primitive[index];
    }

    JavaType type(int index) {
        return types[index];
    }

    ObjectReader reader(int index, boolean rejectUnknown) {
        return rejectUnknown ? strictReaders[index] : lenientReaders[index];
    }

    int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
