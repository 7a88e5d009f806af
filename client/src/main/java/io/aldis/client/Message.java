package io.aldis.client;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The reply to a typed message sent with {@link AldisClient#send(String, byte[])}.
 *
 * @param type          the message type
 * @param correlationId the correlation id of the message it answers
 * @param payload       the handler's answer
 */
public record Message(String type, long correlationId, byte[] payload) {
    public Message {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
    }

    /** The payload decoded as UTF-8. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
