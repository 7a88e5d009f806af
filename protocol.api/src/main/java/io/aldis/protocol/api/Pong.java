package io.aldis.protocol.api;

/** PONG: the answer to a PING, echoing its nonce. */
public record Pong(long nonce) implements Frame {
    @Override
    public FrameType type() {
        return FrameType.PONG;
    }
}
