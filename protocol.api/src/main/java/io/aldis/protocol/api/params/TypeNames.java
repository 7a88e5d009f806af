package io.aldis.protocol.api.params;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Type names as service listings and descriptors show them: simple class names with generic
 * arguments kept ({@code List<OrderItem>}, {@code double[]}), the form docs/protocol.md gives for
 * the SERVICE_PROVIDE descriptor.
 */
public final class TypeNames {
    private TypeNames() {
    }

    /** The short name of {@code type}. */
    public static String shortName(Type type) {
        if (type instanceof Class<?> c) {
            return c.isArray() ? shortName(c.getComponentType()) + "[]" : c.getSimpleName();
        }
        if (type instanceof ParameterizedType p) {
            StringBuilder b = new StringBuilder(shortName(p.getRawType())).append('<');
            Type[] args = p.getActualTypeArguments();
            for (int i = 0; i < args.length; i++) {
                b.append(i == 0 ? "" : ", ").append(shortName(args[i]));
            }
            return b.append('>').toString();
        }
        return type.getTypeName();
    }
}
