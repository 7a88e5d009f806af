package io.aldis.protocol.api;

import java.util.Objects;

/** AUTH_CHALLENGE: the node's next mechanism message (SCRAM server-first-message). */
public record AuthChallenge(byte[] data) implements Frame {
    public AuthChallenge {
        Objects.requireNonNull(data, "data");
    }

    @Override
    public FrameType type() {
        return FrameType.AUTH_CHALLENGE;
    }
}
