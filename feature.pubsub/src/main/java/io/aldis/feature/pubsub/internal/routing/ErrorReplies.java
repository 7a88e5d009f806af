package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.events.SysEvents;
import io.aldis.feature.pubsub.internal.util.Json;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.spi.node.Session;
import java.util.Map;

/** Answers a session's request with an ERROR, counts it on the session, and announces it on {@code $sys.error}. */
public final class ErrorReplies {
    private final Subscriptions table;
    private final SysEvents events;

    public ErrorReplies(Subscriptions table, SysEvents events) {
        this.table = table;
        this.events = events;
    }

    /** Sends ERROR {@code code} for request {@code requestId} (0 for frames without an id). */
    public void send(Session session, long requestId, ErrorCode code, String message, Map<String, ?> details) {
        Subscriber s = table.existing(session);
        if (s != null) {
            s.errors.increment();
        }
        session.send(new ErrorFrame(requestId, code.code(), message, Json.string(details)));
        events.error(session, code, message);
    }
}
