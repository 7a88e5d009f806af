package io.aldis.feature.rpc.internal.export;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the type names of a client's service descriptor (Java's: {@code int}, {@code String},
 * {@code List<Item>}, {@code double[]}, {@code Map<String, Long>} ...; or JSON's: {@code string},
 * {@code integer}, {@code number}, {@code boolean}, {@code object}, {@code array}) into the types the node
 * decodes parameters into, so that a call of a client-provided service is checked like a call of
 * an OSGi service. A name the node cannot know (the client's own records and enums) stands for
 * any JSON value: such a parameter is only checked for being well-formed JSON.
 */
public final class DeclaredTypes {
    private static final TypeFactory TYPES = Json.MAPPER.getTypeFactory();
    private static final Map<String, Class<?>> SIMPLE = Map.ofEntries(
            Map.entry("int", int.class), Map.entry("long", long.class), Map.entry("short", short.class),
            Map.entry("byte", byte.class), Map.entry("double", double.class), Map.entry("float", float.class),
            Map.entry("boolean", boolean.class), Map.entry("char", char.class),
            Map.entry("Integer", Integer.class), Map.entry("Long", Long.class), Map.entry("Short", Short.class),
            Map.entry("Byte", Byte.class), Map.entry("Double", Double.class), Map.entry("Float", Float.class),
            Map.entry("Boolean", Boolean.class), Map.entry("Character", Character.class),
            Map.entry("String", String.class), Map.entry("CharSequence", String.class),
            Map.entry("BigDecimal", BigDecimal.class), Map.entry("BigInteger", BigInteger.class),
            Map.entry("Object", Object.class),
            // JSON's own names, for clients written in other languages
            Map.entry("string", String.class), Map.entry("integer", Long.class), Map.entry("number", BigDecimal.class));

    private DeclaredTypes() {
    }

    /** A declared parameter, {@code name: Type}; without a name it is called {@code arg<index>}. */
    record Declared(String name, JavaType type) {
    }

    static Declared parameter(String declaration, int index) {
        int colon = declaration.indexOf(':');
        String name = colon < 0 ? "" : declaration.substring(0, colon).trim();
        String type = colon < 0 ? declaration.trim() : declaration.substring(colon + 1).trim();
        return new Declared(name.isEmpty() ? "arg" + index : name, type(type));
    }

    /** The type for a declared type name; any JSON value for a name it does not know. */
    static JavaType type(String name) {
        JavaType known = parse(name.replace(" ", ""));
        return known != null ? known : TYPES.constructType(JsonNode.class);
    }

    private static JavaType parse(String name) {
        if (name.endsWith("[]")) {
            JavaType component = parse(name.substring(0, name.length() - 2));
            return component == null ? null : TYPES.constructArrayType(component);
        }
        if (name.equals("object")) {
            return TYPES.constructMapType(Map.class, String.class, Object.class);
        }
        if (name.equals("array")) {
            return TYPES.constructCollectionType(List.class, Object.class);
        }
        int open = name.indexOf('<');
        if (open < 0) {
            Class<?> simple = SIMPLE.get(name);
            return simple == null ? null : TYPES.constructType(simple);
        }
        if (!name.endsWith(">")) {
            return null;
        }
        String raw = name.substring(0, open);
        List<JavaType> args = new ArrayList<>();
        for (String arg : splitArguments(name.substring(open + 1, name.length() - 1))) {
            JavaType parsed = parse(arg);
            args.add(parsed != null ? parsed : TYPES.constructType(JsonNode.class));
        }
        return switch (raw) {
            // a streamed parameter, which a call without streams gives as an array of its items
            case "List", "Collection", "Iterable", "Stream" -> args.size() == 1
                    ? TYPES.constructCollectionType(List.class, args.get(0)) : null;
            case "Set" -> args.size() == 1 ? TYPES.constructCollectionType(java.util.Set.class, args.get(0)) : null;
            case "Map" -> args.size() == 2 ? TYPES.constructMapType(Map.class, args.get(0), args.get(1)) : null;
            case "Optional" -> args.size() == 1 ? args.get(0) : null;
            default -> null;
        };
    }

    /** Splits {@code A, Map<B, C>} at the commas that are not inside angle brackets. */
    private static List<String> splitArguments(String arguments) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < arguments.length(); i++) {
            char c = arguments.charAt(i);
            if (c == '<') {
                depth++;
            } else if (c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(arguments.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(arguments.substring(start));
        return parts;
    }
}
