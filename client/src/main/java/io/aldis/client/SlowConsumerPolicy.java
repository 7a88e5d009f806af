package io.aldis.client;

/**
 * What the node does when a subscription's outbound budget is full (the operator decides which are
 * allowed). Each constant stands for the protocol's policy of the same name, whose wire name
 * {@link #label()} returns.
 */
public enum SlowConsumerPolicy {
    /** The node pauses the publishers until the subscriber catches up. */
    BLOCK(io.aldis.protocol.api.SlowConsumerPolicy.BLOCK),
    /** The oldest queued messages are dropped to make room. */
    DROP_OLDEST(io.aldis.protocol.api.SlowConsumerPolicy.DROP_OLDEST),
    /** The message that does not fit is dropped. */
    DROP_NEWEST(io.aldis.protocol.api.SlowConsumerPolicy.DROP_NEWEST),
    /** The subscriber's connection is closed with {@code SLOW_CONSUMER}. */
    DISCONNECT(io.aldis.protocol.api.SlowConsumerPolicy.DISCONNECT);

    private final io.aldis.protocol.api.SlowConsumerPolicy wire;

    SlowConsumerPolicy(io.aldis.protocol.api.SlowConsumerPolicy wire) {
        this.wire = wire;
    }

    /** The name on the wire, such as {@code drop-oldest}. */
    public String label() {
        return wire.wireName();
    }
}
