package io.aldis.feature.pubsub.api;

import java.util.Map;
import java.util.Objects;

/**
 * A message as a subscription made through {@link PubSub} receives it.
 *
 * @param subject the subject it was published on
 * @param replyTo the reply subject, or the empty string
 * @param headers the headers, possibly empty
 * @param payload the payload; treat it as read-only, other subscribers share it
 */
public record PublishedMessage(String subject, String replyTo, Map<String, String> headers, byte[] payload) {
    public PublishedMessage {
        Objects.requireNonNull(subject, "subject");
        replyTo = replyTo == null ? "" : replyTo;
        headers = headers == null ? Map.of() : headers;
        Objects.requireNonNull(payload, "payload");
    }
}
