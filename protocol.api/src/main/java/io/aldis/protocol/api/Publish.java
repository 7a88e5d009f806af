package io.aldis.protocol.api;

import java.util.Map;
import java.util.Objects;

/**
 * PUBLISH: the client sends a message to every subscription matching its subject.
 *
 * @param subject the subject published on
 * @param replyTo a subject for replies, or the empty string
 * @param headers the headers in the order given; the codec sets the HEADERS flag iff not empty
 * @param payload the raw payload
 */
public record Publish(String subject, String replyTo, Map<String, String> headers, byte[] payload)
        implements Frame {
    /** Flag bit 0: a header block follows the reply subject. */
    public static final int FLAG_HEADERS = 0x01;

    public Publish {
        Objects.requireNonNull(subject, "subject");
        replyTo = replyTo == null ? "" : replyTo;
        headers = Fields.headers(headers);
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public FrameType type() {
        return FrameType.PUBLISH;
    }
}
