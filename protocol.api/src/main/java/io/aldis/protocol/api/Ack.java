package io.aldis.protocol.api;

import java.util.Objects;

/**
 * ACK: a request that has no richer answer succeeded.
 *
 * @param requestId the id of the request answered
 * @param json      an optional JSON object with details, or the empty string
 */
public record Ack(long requestId, String json) implements Frame {
    public Ack {
        json = Objects.requireNonNullElse(json, "");
    }

    @Override
    public FrameType type() {
        return FrameType.ACK;
    }
}
