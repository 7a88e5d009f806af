package io.aldis.feature.pubsub.spi;

import java.util.Objects;

/**
 * One kind of subscription this node holds: a pattern and its queue group. Several subscriptions
 * with the same pattern and group are one interest.
 *
 * @param pattern    a subject pattern, with {@code *} and {@code >} wildcards
 * @param queueGroup the queue group, or the empty string for none
 */
public record Interest(String pattern, String queueGroup) {
    public Interest {
        Objects.requireNonNull(pattern, "pattern");
        queueGroup = queueGroup == null ? "" : queueGroup;
    }
}
