package io.aldis.protocol.api;

/**
 * UNSUBSCRIBE: ends a subscription.
 *
 * @param subscriptionId the id given in SUBSCRIBE
 */
public record Unsubscribe(long subscriptionId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.UNSUBSCRIBE;
    }
}
