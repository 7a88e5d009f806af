package io.aldis.protocol.api;

import java.util.Objects;

/**
 * ERROR: a request failed, or (with request id 0) the connection itself is in error.
 *
 * @param requestId the id of the request it answers, 0 for none
 * @param code      a stable code from {@link ErrorCode} (unknown codes are kept as numbers)
 * @param message   a human-readable message
 * @param details   an optional JSON object with structured details, or the empty string
 */
public record ErrorFrame(long requestId, int code, String message, String details) implements Frame {
    public ErrorFrame {
        Objects.requireNonNull(message, "message");
        details = Objects.requireNonNullElse(details, "");
    }

    /** An error with no details. */
    public static ErrorFrame of(long requestId, ErrorCode code, String message) {
        return new ErrorFrame(requestId, code.code(), message, "");
    }

    /** The known code, or {@code null} for a code this release does not know. */
    public ErrorCode errorCode() {
        return ErrorCode.of(code);
    }

    @Override
    public FrameType type() {
        return FrameType.ERROR;
    }
}
