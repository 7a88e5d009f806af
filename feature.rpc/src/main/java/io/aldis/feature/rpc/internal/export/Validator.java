package io.aldis.feature.rpc.internal.export;

import io.aldis.feature.rpc.api.Max;
import io.aldis.feature.rpc.api.Min;
import io.aldis.feature.rpc.api.Pattern;
import io.aldis.feature.rpc.api.Required;
import io.aldis.feature.rpc.api.Size;
import io.aldis.protocol.api.params.FieldError;
import io.aldis.protocol.api.params.ParamSignature;
import io.aldis.protocol.api.params.ValueCheck;
import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks the constraint annotations of {@code io.aldis.feature.rpc.api} on a decoded value and,
 * recursively, on the components of records, the fields of other objects, and the elements of
 * collections, maps and arrays, collecting every violation with its path.
 */
final class Validator {
    private static final int MAX_DEPTH = 64;

    /** One property of a type that is walked: its name, how to read it, and its constraints. */
    private record Property(String name, Method accessor, Field field, Annotation[] constraints) {
        Object read(Object owner) throws ReflectiveOperationException {
            return accessor != null ? accessor.invoke(owner) : field.get(owner);
        }
    }

    private static final ClassValue<List<Property>> PROPERTIES = new ClassValue<>() {
        @Override
        protected List<Property> computeValue(Class<?> type) {
            return introspect(type);
        }
    };

    /** Compiled once per expression for every method that uses it. */
    private static final Map<String, java.util.regex.Pattern> PATTERNS = new ConcurrentHashMap<>();

    private Validator() {
    }

    /**
     * The check of a method's parameters against their constraint annotations
     * ({@code annotations[i]} are parameter {@code i}'s), for the parameter decoder to run on each
     * decoded value.
     */
    static ValueCheck constraintsOf(ParamSignature signature, Annotation[][] annotations) {
        // Not skipped when no parameter is annotated: the components of records and the fields of
        // objects may be.
        return (index, value, errors) -> validate(signature.name(index), value, annotations[index], errors);
    }

    /**
     * Validates {@code value} found at {@code path}, whose own constraints are {@code annotations}
     * (of a method parameter, say), adding violations to {@code errors}.
     */
    static void validate(String path, Object value, Annotation[] annotations, List<FieldError> errors) {
        if (check(path, value, annotations, errors)) {
            descend(path, value, errors, new IdentityHashMap<>(), 0);
        }
    }

    /** Checks one value's constraints; returns whether it is worth descending into. */
    private static boolean check(String path, Object value, Annotation[] annotations, List<FieldError> errors) {
        for (Annotation a : annotations) {
            if (a instanceof Required r && value == null) {
                errors.add(new FieldError(path, reason(r.message(), "field required")));
            }
        }
        if (value == null) {
            return false;
        }
        for (Annotation a : annotations) {
            if (a instanceof Min min) {
                if (value instanceof Number n && compare(n, min.value()) < 0) {
                    errors.add(new FieldError(path, reason(min.message(), "must be at least " + min.value())));
                }
            } else if (a instanceof Max max) {
                if (value instanceof Number n && compare(n, max.value()) > 0) {
                    errors.add(new FieldError(path, reason(max.message(), "must be at most " + max.value())));
                }
            } else if (a instanceof Size size) {
                int length = sizeOf(value);
                if (length >= 0 && (length < size.min() || length > size.max())) {
                    errors.add(new FieldError(path, reason(size.message(), sizeReason(value, size))));
                }
            } else if (a instanceof Pattern pattern && value instanceof CharSequence text) {
                java.util.regex.Pattern compiled = PATTERNS.computeIfAbsent(pattern.value(),
                        java.util.regex.Pattern::compile);
                if (!compiled.matcher(text).matches()) {
                    errors.add(new FieldError(path, reason(pattern.message(), "must match " + pattern.value())));
                }
            }
        }
        return true;
    }

    private static void descend(String path, Object value, List<FieldError> errors, Map<Object, Boolean> seen, int depth) {
        if (value == null || depth > MAX_DEPTH || isLeaf(value.getClass()) || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                descend(path + "[" + i++ + "]", element, errors, seen, depth + 1);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                descend(join(path, String.valueOf(e.getKey())), e.getValue(), errors, seen, depth + 1);
            }
        } else if (value.getClass().isArray()) {
            if (!value.getClass().getComponentType().isPrimitive()) {
                for (int i = 0, n = Array.getLength(value); i < n; i++) {
                    descend(path + "[" + i + "]", Array.get(value, i), errors, seen, depth + 1);
                }
            }
        } else {
            for (Property p : PROPERTIES.get(value.getClass())) {
                Object v;
                try {
                    v = p.read(value);
                } catch (ReflectiveOperationException | RuntimeException unreadable) {
                    continue;
                }
                String at = join(path, p.name());
                if (check(at, v, p.constraints(), errors)) {
                    descend(at, v, errors, seen, depth + 1);
                }
            }
        }
        seen.remove(value);
    }

    private static List<Property> introspect(Class<?> type) {
        List<Property> properties = new ArrayList<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                Method accessor = c.getAccessor();
                try {
                    accessor.setAccessible(true);
                } catch (RuntimeException notOpen) {
                    // a public record's accessor is callable anyway
                }
                properties.add(new Property(c.getName(), accessor, null, constraintsOf(c.getAnnotations())));
            }
            return properties;
        }
        for (Class<?> c = type; c != null && c != Object.class && !isLeaf(c); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers()) || f.isSynthetic()) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                } catch (RuntimeException notOpen) {
                    continue;
                }
                properties.add(new Property(f.getName(), null, f, constraintsOf(f.getAnnotations())));
            }
        }
        return properties;
    }

    private static Annotation[] constraintsOf(Annotation[] annotations) {
        List<Annotation> constraints = new ArrayList<>();
        for (Annotation a : annotations) {
            if (a instanceof Required || a instanceof Min || a instanceof Max || a instanceof Size
                    || a instanceof Pattern) {
                constraints.add(a);
            }
        }
        return constraints.toArray(Annotation[]::new);
    }

    /** Types that hold no constrained properties: JDK value types, enums, primitives' boxes. */
    private static boolean isLeaf(Class<?> type) {
        if (type.isPrimitive() || type.isEnum() || Enum.class.isAssignableFrom(type)) {
            return true;
        }
        if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type) || type.isArray()) {
            return false;
        }
        String name = type.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("com.fasterxml.jackson.");
    }

    private static int compare(Number n, long bound) {
        if (n instanceof BigDecimal d) {
            return d.compareTo(BigDecimal.valueOf(bound));
        }
        if (n instanceof BigInteger i) {
            return i.compareTo(BigInteger.valueOf(bound));
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isNaN(d) ? 1 : Double.compare(d, bound);
        }
        return Long.compare(n.longValue(), bound);
    }

    private static int sizeOf(Object value) {
        if (value instanceof CharSequence s) {
            return s.length();
        }
        if (value instanceof Collection<?> c) {
            return c.size();
        }
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        if (value.getClass().isArray()) {
            return Array.getLength(value);
        }
        return -1;
    }

    private static String sizeReason(Object value, Size size) {
        String unit = value instanceof CharSequence ? " characters" : " items";
        if (size.max() == Integer.MAX_VALUE) {
            return "must have at least " + size.min() + unit;
        }
        if (size.min() == 0) {
            return "must have at most " + size.max() + unit;
        }
        return "must have between " + size.min() + " and " + size.max() + unit;
    }

    private static String reason(String custom, String standard) {
        return custom.isEmpty() ? standard : custom;
    }

    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
