package io.aldis.feature.rpc.internal.export;

import io.aldis.feature.rpc.api.RpcConstants;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads an OSGi service carrying {@value RpcConstants#SERVICE} into an {@link ExportedService}:
 * its name, the methods of the interfaces it is registered under (found through reflection), and
 * the properties that tune it (ranking, concurrency, direct).
 */
public final class ServiceExports {
    static final System.Logger LOG = System.getLogger("io.aldis.rpc");
    /** What a service name may be, for OSGi services and client-provided ones alike. */
    public static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    private ServiceExports() {
    }

    /**
     * The export of {@code target}. {@code properties} are the service's properties
     * ({@code objectClass} picks the interfaces whose methods are exported; without it every
     * interface of the object is).
     *
     * @return the export, or null (with a warning in the log) when the name is not valid
     */
    public static ExportedService export(Object target, Map<String, ?> properties, String origin) {
        Object nameProperty = properties.get(RpcConstants.SERVICE);
        String name = nameProperty == null ? "" : String.valueOf(nameProperty).trim();
        if (!SERVICE_NAME.matcher(name).matches()) {
            LOG.log(System.Logger.Level.WARNING, "Not exporting a service of " + origin + ": invalid "
                    + RpcConstants.SERVICE + " '" + name + "'");
            return null;
        }
        Map<String, ExportedMethod> methods = exportedMethods(target, properties.get("objectClass"));
        ExportedService svc = new ExportedService(name, target, origin, intProperty(properties.get("service.ranking")),
                longProperty(properties.get("service.id")), intProperty(properties.get(RpcConstants.MAX_CONCURRENCY)),
                Placement.of(properties.get(RpcConstants.DIRECT)), methods);
        LOG.log(System.Logger.Level.INFO, "RPC service " + name + " exported by " + origin + " with methods "
                + new TreeSet<>(methods.keySet()));
        return svc;
    }

    private static Map<String, ExportedMethod> exportedMethods(Object target, Object objectClass) {
        Set<String> names = new LinkedHashSet<>();
        if (objectClass instanceof String[] array) {
            names.addAll(List.of(array));
        } else if (objectClass instanceof Collection<?> list) {
            list.forEach(n -> names.add(String.valueOf(n)));
        } else if (objectClass instanceof String single) {
            names.add(single);
        }
        List<Class<?>> types = new ArrayList<>();
        collectTypes(target.getClass(), names, types);
        if (types.isEmpty()) {
            types.add(target.getClass());
        }
        Map<String, ExportedMethod> methods = new HashMap<>();
        for (Class<?> type : types) {
            Method[] candidates = type.getMethods();
            // Overloads cannot be told apart by name: the one with the fewest parameters is served.
            Arrays.sort(candidates, Comparator.comparing(Method::getName).thenComparingInt(Method::getParameterCount));
            for (Method m : candidates) {
                if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers()) || m.isSynthetic()
                        || m.isBridge()) {
                    continue;
                }
                ExportedMethod first = methods.get(m.getName());
                if (first != null) {
                    if (!Arrays.equals(first.method.getParameterTypes(), m.getParameterTypes())) {
                        LOG.log(System.Logger.Level.WARNING, "Overloaded method " + type.getName() + "." + m.getName()
                                + ": only the one with " + first.arity() + " parameters is callable remotely");
                    }
                    continue;
                }
                try {
                    methods.put(m.getName(), new ExportedMethod(m));
                } catch (IllegalArgumentException cannotStream) {
                    LOG.log(System.Logger.Level.WARNING, "Not exporting " + type.getName() + "." + m.getName() + ": "
                            + cannotStream.getMessage());
                }
            }
        }
        return methods;
    }

    /** The classes and interfaces of {@code type}'s hierarchy named in {@code names} (all non-JDK interfaces if none). */
    private static void collectTypes(Class<?> type, Set<String> names, List<Class<?>> out) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (names.contains(c.getName()) && !out.contains(c)) {
                out.add(c);
            }
            collectInterfaces(c, names, out);
        }
    }

    private static void collectInterfaces(Class<?> c, Set<String> names, List<Class<?>> out) {
        for (Class<?> i : c.getInterfaces()) {
            boolean wanted = names.isEmpty() ? !i.getName().startsWith("java.") : names.contains(i.getName());
            if (wanted && !out.contains(i)) {
                out.add(i);
            }
            collectInterfaces(i, names, out);
        }
    }

    private static int intProperty(Object value) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        if (value instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static long longProperty(Object value) {
        return value instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    }
}
