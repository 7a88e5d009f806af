package io.aldis.protocol.api;

import java.util.Objects;

/** AUTH_RESPONSE: the client's next mechanism message (SCRAM client-final-message). */
public record AuthResponse(byte[] data) implements Frame {
    public AuthResponse {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public FrameType type() {
        return FrameType.AUTH_RESPONSE;
    }
}
