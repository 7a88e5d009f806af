package io.aldis.protocol.api;

import java.util.Objects;

/**
 * MESSAGE: a typed message routed on the node to the handler registered for its type, or a
 * reply to one.
 *
 * @param reply whether this answers an earlier MESSAGE (flag bit 0, REPLY)
 * @param correlationId pairs a reply with its request; 0 when no reply is expected
 * @param messageType the message type that selects the handler
 * @param payload the raw payload
 */
public record Message(boolean reply, long correlationId, String messageType, byte[] payload) implements Frame {
    /** Flag bit 0: this message is a reply. */
    public static final int FLAG_REPLY = 0x01;

    public Message {
        Objects.requireNonNull(messageType, "messageType");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public FrameType type() {
        return FrameType.MESSAGE;
    }
}
