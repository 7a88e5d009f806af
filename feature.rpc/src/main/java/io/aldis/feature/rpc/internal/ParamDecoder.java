package io.aldis.feature.rpc.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns the JSON parameters of a call into the arguments of a Java method: a JSON array gives
 * them by position, a JSON object by parameter name (or, for a method with one parameter of an
 * object type, the object may be that parameter itself). Every value is decoded with Jackson into
 * the declared generic type and then validated; all errors found are reported together, each with
 * its path.
 */
final class ParamDecoder {
    private final Validator validator = new Validator();

    Object[] decode(ExportedMethod m, byte[] params, boolean rejectUnknown) throws InvalidParamsException {
        ObjectReader[] readers = rejectUnknown ? m.strictReaders : m.lenientReaders;
        Object[] streamed = streamArray(m, params, readers);
        if (streamed != null) {
            List<FieldError> errors = new ArrayList<>();
            validate(m, streamed, null, errors);
            if (!errors.isEmpty()) {
                throw new InvalidParamsException(errors);
            }
            return streamed;
        }
        List<FieldError> errors = new ArrayList<>();
        JsonNode[] nodes = split(m, params, rejectUnknown, errors);
        if (!errors.isEmpty()) {
            throw new InvalidParamsException(errors);
        }
        Object[] args = new Object[m.arity()];
        boolean[] decoded = new boolean[m.arity()];
        for (int i = 0; i < args.length; i++) {
            JsonNode node = nodes[i];
            String name = m.parameterNames[i];
            if (node == null || node.isNull() || node.isMissingNode()) {
                if (m.primitive[i]) {
                    errors.add(new FieldError(name, "field required"));
                    continue;
                }
                decoded[i] = true;
                continue;
            }
            try {
                args[i] = readers[i].readValue(node);
                decoded[i] = true;
            } catch (JsonMappingException e) {
                String reason = reason(e, m.parameterTypes[i]);
                errors.add(new FieldError(path(name, e), reason.startsWith("expected ") ? reason + got(node, e) : reason));
            } catch (java.io.IOException | RuntimeException e) {
                errors.add(new FieldError(name, "cannot be read as " + describe(m.parameterTypes[i])));
            }
        }
        validate(m, args, decoded, errors);
        if (!errors.isEmpty()) {
            throw new InvalidParamsException(errors);
        }
        return args;
    }

    private void validate(ExportedMethod m, Object[] args, boolean[] decoded, List<FieldError> errors) {
        for (int i = 0; i < args.length; i++) {
            if (decoded == null || decoded[i]) {
                validator.validate(m.parameterNames[i], args[i], m.parameterAnnotations[i], errors);
            }
        }
    }

    /**
     * The common case, parameters by position, decoded straight from the bytes without building a
     * tree first. Returns null on anything but a clean decode (not an array, too many values, a
     * null for a primitive, a value Jackson refuses, malformed JSON, trailing content): the tree
     * path then decodes again and reports every error with its path, so both paths answer alike.
     */
    static Object[] streamArray(ExportedMethod m, byte[] params, ObjectReader[] readers) {
        if (params.length == 0 || params[0] != '[') {
            return null;
        }
        Object[] args = new Object[m.arity()];
        try (JsonParser p = Json.MAPPER.createParser(params)) {
            p.nextToken(); // START_ARRAY
            int i = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null || i == args.length) {
                    return null;
                }
                if (t == JsonToken.VALUE_NULL) {
                    if (m.primitive[i]) {
                        return null;
                    }
                } else if (t == JsonToken.VALUE_STRING && m.parameterTypes[i].getRawClass() == String.class) {
                    // What Jackson's string deserializer returns, without a deserialization context per call.
                    args[i] = p.getText();
                } else {
                    args[i] = readers[i].readValue(p);
                }
                i++;
            }
            for (int missing = i; missing < args.length; missing++) {
                if (m.primitive[missing]) {
                    return null;
                }
            }
            return p.nextToken() == null ? args : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** One JSON node per parameter (null where absent). */
    private static JsonNode[] split(ExportedMethod m, byte[] params, boolean rejectUnknown, List<FieldError> errors) {
        JsonNode[] nodes = new JsonNode[m.arity()];
        if (params.length == 0) {
            return nodes;
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(params);
        } catch (JsonProcessingException e) {
            errors.add(new FieldError("", e.getLocation() == null ? "the parameters are not well-formed JSON"
                    : "the parameters are not well-formed JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
            return nodes;
        } catch (java.io.IOException e) {
            errors.add(new FieldError("", "malformed JSON"));
            return nodes;
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return nodes;
        }
        if (root.isArray()) {
            if (root.size() > nodes.length) {
                errors.add(new FieldError("", "expected at most " + nodes.length + " parameters, got " + root.size()));
                return nodes;
            }
            for (int i = 0; i < root.size(); i++) {
                nodes[i] = root.get(i);
            }
            return nodes;
        }
        if (root.isObject()) {
            if (nodes.length == 1 && !root.has(m.parameterNames[0]) && isObjectType(m.parameterTypes[0])) {
                nodes[0] = root; // the object is the single parameter itself
                return nodes;
            }
            List<String> names = Arrays.asList(m.parameterNames);
            for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
                String field = it.next();
                int index = names.indexOf(field);
                if (index >= 0) {
                    nodes[index] = root.get(field);
                } else if (rejectUnknown) {
                    errors.add(new FieldError(field, "unknown parameter"));
                }
            }
            return nodes;
        }
        if (nodes.length == 1) {
            nodes[0] = root;
            return nodes;
        }
        errors.add(new FieldError("", "parameters must be a JSON array or object"));
        return nodes;
    }

    private static boolean isObjectType(JavaType type) {
        Class<?> raw = type.getRawClass();
        return !(type.isContainerType() && !type.isMapLikeType()) && !raw.isPrimitive() && !raw.isEnum()
                && !CharSequence.class.isAssignableFrom(raw) && !Number.class.isAssignableFrom(raw)
                && raw != Boolean.class && raw != Object.class;
    }

    /** The parameter name followed by the path Jackson reports inside the value. */
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

    private static String reason(JsonMappingException e, JavaType parameterType) {
        if (e instanceof UnrecognizedPropertyException) {
            return "unknown field";
        }
        if (e instanceof InvalidFormatException f) {
            Class<?> target = f.getTargetType();
            if (target != null && target.isEnum()) {
                return "must be one of " + Arrays.toString(target.getEnumConstants());
            }
            return "expected " + describe(target);
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause();
            return cause != null && cause.getMessage() != null ? cause.getMessage() : "invalid value";
        }
        if (e instanceof MismatchedInputException m) {
            Class<?> target = m.getTargetType();
            if (target != null && target.isPrimitive() && m.getOriginalMessage().contains("null")) {
                return "field required";
            }
            if (target != null && target.isEnum()) {
                return "must be one of " + Arrays.toString(target.getEnumConstants());
            }
            return "expected " + describe(target != null ? target : parameterType.getRawClass());
        }
        // Anything else is Jackson's own wording, which names its classes and settings, not the protocol's.
        return "invalid value";
    }

    /** ", got a string" and the like: the JSON the caller sent where the failing value is, when it can be found. */
    private static String got(JsonNode parameter, JsonMappingException e) {
        if (!(e instanceof MismatchedInputException) || e instanceof UnrecognizedPropertyException) {
            return "";
        }
        JsonNode at = parameter;
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (at == null) {
                return "";
            }
            at = ref.getFieldName() != null ? at.get(ref.getFieldName()) : at.get(ref.getIndex());
        }
        if (at == null || at.isMissingNode()) {
            return "";
        }
        return switch (at.getNodeType()) {
            case STRING -> ", got a string";
            case NUMBER -> at.isIntegralNumber() ? ", got an integer" : ", got a number";
            case BOOLEAN -> ", got a boolean";
            case ARRAY -> ", got an array";
            case OBJECT, POJO -> ", got an object";
            case NULL -> ", got null";
            default -> "";
        };
    }

    private static String describe(JavaType type) {
        return describe(type.getRawClass());
    }

    static String describe(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (type == String.class || CharSequence.class.isAssignableFrom(type) || type == char.class
                || type == Character.class) {
            return "a string";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == java.math.BigInteger.class) {
            return "an integer";
        }
        if (type == double.class || type == float.class || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "a boolean";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || !type.getName().startsWith("java.")) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }
}
