package io.aldis.protocol.api;

import java.util.Objects;

/**
 * CLOSE: the sender wants to end the connection; the receiver drains its in-flight work, answers
 * CLOSE_ACK and closes.
 *
 * @param code    0 for a normal close, otherwise an {@link ErrorCode} value
 * @param message a human-readable reason
 */
public record Close(int code, String message) implements Frame {
    public Close {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public FrameType type() {
        return FrameType.CLOSE;
    }
}
