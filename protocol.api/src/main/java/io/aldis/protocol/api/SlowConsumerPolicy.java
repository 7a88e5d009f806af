package io.aldis.protocol.api;

import java.util.Locale;

/**
 * The slow-consumer policies of a subscription, as the {@value Subscribe#OPTION_POLICY} member of
 * SUBSCRIBE options and the ACK name them (docs/protocol.md 6.2): what the node does when a
 * subscriber falls behind by more than its outbound budget. The wire names are defined here only;
 * the node's configuration and every client use them from here.
 */
public enum SlowConsumerPolicy {
    /** The node pauses the publishers whose messages the subscription cannot take, until it catches up. */
    BLOCK("block"),
    /** The oldest queued messages are dropped to make room. */
    DROP_OLDEST("drop-oldest"),
    /** The message that does not fit is dropped. */
    DROP_NEWEST("drop-newest"),
    /** The subscriber's connection is closed with {@code SLOW_CONSUMER}. */
    DISCONNECT("disconnect");

    private final String wireName;

    SlowConsumerPolicy(String wireName) {
        this.wireName = wireName;
    }

    /** The name on the wire and in configuration, such as {@code drop-oldest}. */
    public String wireName() {
        return wireName;
    }

    /**
     * The policy a name stands for, ignoring case and surrounding blanks as the node always has;
     * {@code null} for a name that is none of them.
     */
    public static SlowConsumerPolicy ofWireName(String name) {
        if (name == null) {
            return null;
        }
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        for (SlowConsumerPolicy p : values()) {
            if (p.wireName.equals(wanted)) {
                return p;
            }
        }
        return null;
    }
}
