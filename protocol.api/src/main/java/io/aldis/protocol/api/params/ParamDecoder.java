package io.aldis.protocol.api.params;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.aldis.protocol.api.QuotedText;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns the JSON parameters of a call into the arguments of a {@link ParamSignature}: a JSON array
 * gives them by position, a JSON object by parameter name (or, for a signature of one parameter of
 * an object type, the object may be that parameter itself), and a lone scalar the single parameter.
 * Every value is decoded strictly into its declared generic type and then handed to a
 * {@link ValueCheck}; all errors found are reported together, each with its path. Stateless and
 * safe to share.
 */
public final class ParamDecoder {
    private ParamDecoder() {
    }

    /**
     * Decodes {@code params} (UTF-8 JSON; empty means no parameters).
     *
     * @param rejectUnknown whether a field no parameter, record component or property declares is an error
     * @param check         what else each decoded value must satisfy
     * @return one value per parameter, null where the JSON gave none
     * @throws InvalidParamsException with every error found
     */
    public static Object[] decode(ParamSignature signature, byte[] params, boolean rejectUnknown, ValueCheck check)
            throws InvalidParamsException {
        List<FieldError> errors = new ArrayList<>();
        Object[] streamed = streamArray(signature, params, rejectUnknown);
        if (streamed != null) {
            for (int i = 0; i < streamed.length; i++) {
                check.check(i, streamed[i], errors);
            }
            return answer(streamed, errors);
        }
        JsonNode[] nodes = split(signature, params, rejectUnknown, errors);
        if (!errors.isEmpty()) {
            throw new InvalidParamsException(errors);
        }
        Object[] args = new Object[signature.arity()];
        for (int i = 0; i < args.length; i++) {
            JsonNode node = nodes[i];
            if (node == null || node.isNull() || node.isMissingNode()) {
                if (signature.primitive(i)) {
                    errors.add(new FieldError(signature.name(i), "field required"));
                } else {
                    check.check(i, null, errors);
                }
                continue;
            }
            try {
                args[i] = signature.reader(i, rejectUnknown).readValue(node);
                check.check(i, args[i], errors);
            } catch (JsonMappingException e) {
                String reason = reason(e, signature.type(i));
                errors.add(new FieldError(path(signature.name(i), e),
                        reason.startsWith("expected ") ? reason + got(node, e) : reason));
            } catch (IOException | RuntimeException e) {
                errors.add(new FieldError(signature.name(i), "cannot be read as " + describe(signature.type(i).getRawClass())));
            }
        }
        return answer(args, errors);
    }

    private static Object[] answer(Object[] args, List<FieldError> errors) throws InvalidParamsException {
        if (!errors.isEmpty()) {
            throw new InvalidParamsException(errors);
        }
        return args;
    }

    /**
     * The common case, parameters by position, decoded straight from the bytes without building a
     * tree first. Returns null on anything but a clean decode (not an array, too many values, a
     * null for a primitive, a value the reader refuses, malformed JSON, trailing content): the tree
     * path then decodes again and reports every error with its path, so both paths answer alike.
     */
    static Object[] streamArray(ParamSignature signature, byte[] params, boolean rejectUnknown) {
        if (params.length == 0 || params[0] != '[') {
            return null;
        }
        Object[] args = new Object[signature.arity()];
        try (JsonParser p = StrictJson.MAPPER.createParser(params)) {
            p.nextToken(); // START_ARRAY
            int i = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null || i == args.length) {
                    return null;
                }
                if (t == JsonToken.VALUE_NULL) {
                    if (signature.primitive(i)) {
                        return null;
                    }
                } else if (t == JsonToken.VALUE_STRING && signature.type(i).getRawClass() == String.class) {
                    // What the string deserializer returns, without a deserialization context per call.
                    args[i] = p.getText();
                } else {
                    args[i] = signature.reader(i, rejectUnknown).readValue(p);
                }
                i++;
            }
            for (int missing = i; missing < args.length; missing++) {
                if (signature.primitive(missing)) {
                    return null;
                }
            }
            return p.nextToken() == null ? args : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** One JSON node per parameter (null where absent). */
    private static JsonNode[] split(ParamSignature signature, byte[] params, boolean rejectUnknown,
            List<FieldError> errors) {
        JsonNode[] nodes = new JsonNode[signature.arity()];
        if (params.length == 0) {
            return nodes;
        }
        JsonNode root;
        try {
            root = StrictJson.MAPPER.readTree(params);
        } catch (StreamConstraintsException e) {
            errors.add(new FieldError("", "the parameters pass this node's limits for JSON: " + StrictJson.LIMITS_TEXT));
            return nodes;
        } catch (JsonProcessingException e) {
            errors.add(new FieldError("", e.getLocation() == null ? "the parameters are not well-formed JSON"
                    : "the parameters are not well-formed JSON (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
            return nodes;
        } catch (IOException e) {
            errors.add(new FieldError("", "the parameters are not well-formed JSON"));
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
            if (nodes.length == 1 && !root.has(signature.name(0)) && isObjectType(signature.type(0))) {
                nodes[0] = root; // the object is the single parameter itself
                return nodes;
            }
            for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
                String field = it.next();
                int index = signature.indexOf(field);
                if (index >= 0) {
                    nodes[index] = root.get(field);
                } else if (rejectUnknown) {
                    // the caller's own key: quoted, as every path of a field error is, on one line
                    errors.add(new FieldError(QuotedText.of(field, 64), "unknown parameter"));
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

    /** Whether a JSON object is a value of this type (a record, a bean, a map), not a list of parameters. */
    private static boolean isObjectType(JavaType type) {
        Class<?> raw = type.getRawClass();
        return !(type.isContainerType() && !type.isMapLikeType()) && !raw.isPrimitive() && !raw.isEnum()
                && !CharSequence.class.isAssignableFrom(raw) && !Number.class.isAssignableFrom(raw)
                && raw != Boolean.class && raw != Object.class;
    }

    /** The parameter name followed by the path the decoding error reports inside the value. */
    private static String path(String parameter, JsonMappingException e) {
        StringBuilder b = new StringBuilder(parameter);
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                // a map's key or an unknown field's name is the caller's text
                b.append('.').append(QuotedText.of(ref.getFieldName(), 64));
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
            // The value's own constructor refused it: its message is the service author's words.
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
        // Anything else is the library's own wording, which names its classes and settings, not the protocol's.
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

    /** What a value of {@code type} looks like in JSON, in the protocol's words: "an integer", "an object". */
    private static String describe(Class<?> type) {
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
