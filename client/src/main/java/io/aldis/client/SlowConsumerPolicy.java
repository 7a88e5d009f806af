package io.aldis.client;

import java.util.Locale;

/** What the node does when a subscription's outbound budget is full (the operator decides which are allowed). */
public enum SlowConsumerPolicy {
    /** The node pauses the publishers until the subscriber catches up. */
    BLOCK,
    /** The oldest queued messages are dropped to make room. */
    DROP_OLDEST,
    /** The message that does not fit is dropped. */
    DROP_NEWEST,
    /** The subscriber's connection is closed with {@code SLOW_CONSUMER}. */
    DISCONNECT;

    /** The name on the wire, such as {@code drop-oldest}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
