package io.aldis.feature.pubsub.api;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Who sent a typed message and what it asked for.
 *
 * @param messageType   the type the message was routed by
 * @param correlationId the sender's correlation id; 0 when it expects no reply
 * @param sessionId     the sending session
 * @param user          the authenticated user name of the session
 * @param roles         the user's roles
 */
public record MessageContext(String messageType, long correlationId, UUID sessionId, String user, Set<String> roles) {
    public MessageContext {
        Objects.requireNonNull(messageType, "messageType");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(user, "user");
        roles = Set.copyOf(roles);
    }

    /** Whether the sender waits for a reply. */
    public boolean expectsReply() {
        return correlationId != 0;
    }
}
