package io.aldis.protocol.api;

import java.util.Map;
import java.util.Objects;

/**
 * DELIVER: the node hands a published message to a subscriber.
 *
 * @param subscriptionId the subscription it matched
 * @param subject the subject it was published on
 * @param replyTo a subject for replies, or the empty string
 * @param headers the headers in the order given; the codec sets the HEADERS flag iff not empty
 * @param payload the raw payload
 */
public record Deliver(long subscriptionId, String subject, String replyTo, Map<String, String> headers,
        byte[] payload) implements Frame {
    /** Flag bit 0: a header block follows the reply subject. */
    public static final int FLAG_HEADERS = 0x01;

    public Deliver {
        Objects.requireNonNull(subject, "subject");
        replyTo = replyTo == null ? "" : replyTo;
        headers = Fields.headers(headers);
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public FrameType type() {
        return FrameType.DELIVER;
    }
}
