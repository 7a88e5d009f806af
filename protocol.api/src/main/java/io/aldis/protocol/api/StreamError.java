package io.aldis.protocol.api;

import java.util.Objects;

/**
 * STREAM_ERROR: a stream ended in failure.
 *
 * @param streamId the stream
 * @param code an {@link ErrorCode} value
 * @param message a human-readable message
 */
public record StreamError(long streamId, int code, String message) implements Frame {
    public StreamError {
        Objects.requireNonNull(message, "message");
    }

    @Override
    public FrameType type() {
        return FrameType.STREAM_ERROR;
    }
}
