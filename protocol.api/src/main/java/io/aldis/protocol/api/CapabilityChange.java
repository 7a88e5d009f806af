package io.aldis.protocol.api;

/**
 * CAPABILITY_CHANGE: the node tells an open session that the capabilities it offers changed,
 * because a feature was installed, removed, updated or refreshed while the session ran. When a
 * capability comes back, what the session had set up through it (subscriptions, provided
 * services) was restored before this frame was sent.
 *
 * @param capabilities the capability mask the node offers the session from now on
 */
public record CapabilityChange(long capabilities) implements Frame {
    @Override
    public FrameType type() {
        return FrameType.CAPABILITY_CHANGE;
    }
}
