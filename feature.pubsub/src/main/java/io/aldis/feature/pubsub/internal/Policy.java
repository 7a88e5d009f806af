package io.aldis.feature.pubsub.internal;

import java.util.Locale;

/** What happens when a subscription's outbound budget is full. */
public enum Policy {
    /** Keep queueing and PAUSE the sessions that publish to it until it drains. */
    BLOCK,
    /** Drop the oldest queued messages to make room. */
    DROP_OLDEST,
    /** Drop the message that does not fit. */
    DROP_NEWEST,
    /** Close the subscriber's session with SLOW_CONSUMER. */
    DISCONNECT;

    /** The name used in options and configuration, such as {@code drop-oldest}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The policy with a given label, or {@code null}. */
    public static Policy of(String label) {
        for (Policy p : values()) {
            if (p.label().equalsIgnoreCase(label.trim())) {
                return p;
            }
        }
        return null;
    }
}
