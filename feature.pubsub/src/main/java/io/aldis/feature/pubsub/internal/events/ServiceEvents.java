package io.aldis.feature.pubsub.internal.events;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

/**
 * Turns the comings and goings of the node's OSGi services into {@code $sys} events: every
 * service that carries one of the node's properties (a feature's frame handler, an RPC service,
 * a message handler, a listener) gives {@code $sys.service.registered}, {@code .modified} and
 * {@code .unregistered}; a frame handler's capability also gives {@code $sys.feature.added} and
 * {@code $sys.feature.removed}, which is what clients see change in CONNECT_ACK.
 */
public final class ServiceEvents implements ServiceListener {
    /** The service properties that make a service one of the node's. */
    static final List<String> NODE_PROPERTIES = List.of("aldis.capability", "aldis.rpc.service",
            "aldis.message.type", "aldis.transport");
    static final String FILTER = "(|" + String.join("", NODE_PROPERTIES.stream().map(p -> "(" + p + "=*)").toList())
            + ")";

    private final BundleContext context;
    private final SysEvents events;

    private ServiceEvents(BundleContext context, SysEvents events) {
        this.context = context;
        this.events = events;
    }

    /** Starts listening; the returned listener is removed with {@link #stop()}. */
    public static ServiceEvents start(BundleContext context, SysEvents sysEvents) {
        ServiceEvents events = new ServiceEvents(context, sysEvents);
        try {
            context.addServiceListener(events, FILTER);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("bad service filter " + FILTER, e);
        }
        return events;
    }

    public void stop() {
        try {
            context.removeServiceListener(this);
        } catch (IllegalStateException stopping) {
            // the bundle context is gone with the bundle
        }
    }

    @Override
    public void serviceChanged(ServiceEvent event) {
        ServiceReference<?> ref = event.getServiceReference();
        String change = switch (event.getType()) {
            case ServiceEvent.REGISTERED -> "registered";
            case ServiceEvent.UNREGISTERING -> "unregistered";
            case ServiceEvent.MODIFIED -> "modified";
            default -> null;
        };
        if (change == null) {
            return;
        }
        events.publish("service." + change, describe(ref));
        Object capability = ref.getProperty("aldis.capability");
        if (capability != null && event.getType() != ServiceEvent.MODIFIED) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("capability", String.valueOf(capability));
            fields.put("bundle", bundleOf(ref));
            events.publish(event.getType() == ServiceEvent.REGISTERED ? "feature.added" : "feature.removed", fields);
        }
    }

    static Map<String, Object> describe(ServiceReference<?> ref) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("serviceId", ref.getProperty("service.id"));
        Object classes = ref.getProperty("objectClass");
        fields.put("objectClass", classes instanceof String[] names ? Arrays.asList(names) : List.of());
        fields.put("bundle", bundleOf(ref));
        Map<String, Object> properties = new TreeMap<>();
        for (String key : ref.getPropertyKeys()) {
            if (key.startsWith("aldis.")) {
                Object value = ref.getProperty(key);
                properties.put(key, value instanceof Object[] array ? Arrays.asList(array) : String.valueOf(value));
            }
        }
        fields.put("properties", properties);
        return fields;
    }

    private static String bundleOf(ServiceReference<?> ref) {
        Bundle bundle = ref.getBundle();
        return bundle == null ? null : bundle.getSymbolicName() + "/" + bundle.getVersion();
    }
}
