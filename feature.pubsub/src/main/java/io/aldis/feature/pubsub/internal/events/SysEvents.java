package io.aldis.feature.pubsub.internal.events;

import io.aldis.feature.pubsub.internal.routing.Subjects;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.feature.pubsub.internal.util.Json;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.node.Session;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Publishes the node's events on {@code $sys.<name>} (docs/protocol.md, system events): a JSON
 * object with the event's name, its time and its fields. An event nobody subscribed to costs a
 * lookup and nothing more.
 */
public final class SysEvents {

    /** Where events go: the node's router, as if the node published them. */
    public interface Sink {
        /** Whether any subscription matches a subject. */
        boolean hasSubscribers(String subject);

        /** Hands an event to every matching subscription. */
        void publish(String subject, byte[] body);
    }

    private final BooleanSupplier enabled;
    private final Counters counters;
    private final Sink sink;

    /**
     * @param enabled  whether events are published at all right now (the {@code sysEvents} setting)
     * @param counters where published events are counted
     * @param sink     where they go
     */
    public SysEvents(BooleanSupplier enabled, Counters counters, Sink sink) {
        this.enabled = enabled;
        this.counters = counters;
        this.sink = sink;
    }

    /** Publishes an event on {@code $sys.<name>} if events are on and anyone listens. */
    public void publish(String name, Map<String, Object> fields) {
        if (!enabled.getAsBoolean()) {
            return;
        }
        String subject = Subjects.SYS + "." + name;
        if (!sink.hasSubscribers(subject)) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", name);
        body.put("time", Instant.now().toString());
        body.putAll(fields);
        counters.sysEvents.increment();
        sink.publish(subject, Json.bytes(body));
    }

    /** {@code $sys.error}: the node answered a session with an error. */
    public void error(Session session, ErrorCode code, String message) {
        if (enabled.getAsBoolean()) {
            publish("error", errorFields(session, code, message));
        }
    }

    /** The fields that describe a session in events. */
    public static Map<String, Object> sessionFields(Session session) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", session.id().toString());
        m.put("user", session.user() == null ? null : session.user().name());
        m.put("transport", session.connection().transport());
        InetSocketAddress remote = session.connection().remoteAddress();
        m.put("remote", remote == null ? null : remote.getAddress().getHostAddress() + ":" + remote.getPort());
        return m;
    }

    private static Map<String, Object> errorFields(Session session, ErrorCode code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", session.id().toString());
        m.put("user", session.user() == null ? null : session.user().name());
        m.put("code", code.code());
        m.put("name", code.name());
        m.put("message", message);
        return m;
    }
}
