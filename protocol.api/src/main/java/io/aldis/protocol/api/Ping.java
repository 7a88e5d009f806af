package io.aldis.protocol.api;

/** PING: a heartbeat; the peer answers with a PONG carrying the same nonce. */
public record Ping(long nonce) implements Frame {
    @Override
    public FrameType type() {
        return FrameType.PING;
    }
}
