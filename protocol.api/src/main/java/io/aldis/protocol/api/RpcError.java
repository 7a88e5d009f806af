package io.aldis.protocol.api;

import java.util.Objects;

/**
 * RPC_ERROR: a call failed.
 *
 * @param callId the call answered
 * @param code an {@link ErrorCode} value
 * @param message a human-readable message
 * @param details a JSON object with details (such as field errors), or the empty string
 */
public record RpcError(long callId, int code, String message, String details) implements Frame {
    public RpcError {
        Objects.requireNonNull(message, "message");
        details = details == null ? "" : details;
    }

    @Override
    public FrameType type() {
        return FrameType.RPC_ERROR;
    }
}
