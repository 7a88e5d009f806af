package io.aldis.node.core.internal;

import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.spi.node.FrameHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The feature handlers registered right now, by frame type, and the capability mask they add up
 * to. Reads (one per dispatched frame) are a plain array lookup; registrations rebuild the table.
 */
final class HandlerRegistry {
    /** The capabilities of the core itself, present whatever features are installed. */
    static final long CORE_CAPABILITIES = Capability.RESUME_TOKEN.mask() | Capability.FLOW_CONTROL.mask();

    private record Registration(FrameHandler handler, int ranking, long serviceId, long capabilities) {
    }

    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private volatile FrameHandler[] byType = new FrameHandler[256];
    private volatile long capabilities = CORE_CAPABILITIES;

    void add(FrameHandler handler, Map<String, ?> properties) {
        registrations.add(new Registration(handler, intProperty(properties.get("service.ranking")),
                longProperty(properties.get("service.id")), capabilityMask(properties.get(FrameHandler.CAPABILITY))));
        rebuild();
    }

    void remove(FrameHandler handler) {
        registrations.removeIf(r -> r.handler == handler);
        rebuild();
    }

    /** The handler serving a frame type, or null. */
    FrameHandler handlerFor(FrameType type) {
        return byType[type.code()];
    }

    /** The capabilities announced in CONNECT_ACK right now. */
    long capabilities() {
        return capabilities;
    }

    /** Every distinct handler, for session-closed notifications. */
    Collection<FrameHandler> handlers() {
        List<FrameHandler> all = new ArrayList<>();
        for (Registration r : registrations) {
            all.add(r.handler);
        }
        return all;
    }

    private synchronized void rebuild() {
        FrameHandler[] table = new FrameHandler[256];
        long mask = CORE_CAPABILITIES;
        List<Registration> ordered = new ArrayList<>(registrations);
        // Highest ranking wins a frame type; on a tie, the older service (lower id) wins, as in OSGi.
        ordered.sort(Comparator.comparingInt(Registration::ranking).reversed()
                .thenComparingLong(Registration::serviceId));
        for (Registration r : ordered) {
            for (FrameType type : r.handler.frameTypes()) {
                if (table[type.code()] == null) {
                    table[type.code()] = r.handler;
                }
            }
            mask |= r.capabilities;
        }
        byType = table;
        capabilities = mask;
    }

    private static long capabilityMask(Object property) {
        long mask = 0;
        if (property instanceof String s) {
            mask |= maskOfName(s);
        } else if (property instanceof String[] names) {
            for (String n : names) {
                mask |= maskOfName(n);
            }
        } else if (property instanceof Collection<?> names) {
            for (Object n : names) {
                mask |= maskOfName(String.valueOf(n));
            }
        }
        return mask;
    }

    /** One name, or several separated by commas as a single string property allows. */
    private static long maskOfName(String names) {
        long mask = 0;
        for (String name : names.split(",")) {
            try {
                mask |= Capability.named(name.trim()).mask();
            } catch (IllegalArgumentException unknown) {
                // A capability this node does not know is not announced.
            }
        }
        return mask;
    }

    private static int intProperty(Object value) {
        return value instanceof Number n ? n.intValue() : 0;
    }

    private static long longProperty(Object value) {
        return value instanceof Number n ? n.longValue() : Long.MAX_VALUE;
    }
}
