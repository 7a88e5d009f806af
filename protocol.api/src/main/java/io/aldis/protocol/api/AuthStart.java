package io.aldis.protocol.api;

import java.util.Objects;

/**
 * AUTH_START: the client picks a mechanism and sends its first message
 * (SCRAM client-first-message, or the PLAIN message).
 */
public record AuthStart(String mechanism, byte[] data) implements Frame {
    public AuthStart {
        Objects.requireNonNull(mechanism, "mechanism");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public FrameType type() {
        return FrameType.AUTH_START;
    }
}
