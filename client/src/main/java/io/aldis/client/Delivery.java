package io.aldis.client;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A message delivered to a subscription, or the answer of
 * {@link AldisClient#requestReply(String, byte[], java.time.Duration)}.
 *
 * @param subscriptionId the subscription it matched
 * @param subject        the subject it was published on
 * @param replyTo        where the publisher wants an answer; empty when it wants none
 * @param headers        the headers in the order they were published; empty when there are none
 * @param payload        the raw payload
 */
public record Delivery(long subscriptionId, String subject, String replyTo, Map<String, String> headers,
        byte[] payload) {
    public Delivery {
        Objects.requireNonNull(subject, "subject");
        replyTo = replyTo == null ? "" : replyTo;
        headers = headers == null ? Map.of() : headers;
        Objects.requireNonNull(payload, "payload");
    }

    /** The payload decoded as UTF-8. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** Whether the publisher asked for an answer. */
    public boolean wantsReply() {
        return !replyTo.isEmpty();
    }
}
