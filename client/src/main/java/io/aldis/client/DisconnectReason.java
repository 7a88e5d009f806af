package io.aldis.client;

import io.aldis.protocol.ErrorCode;

/**
 * Why a connection ended.
 *
 * @param code    the code the node gave in CLOSE or ERROR, or the client's own code such as
 *                {@link ErrorCode#CONNECTION_LOST} or {@link ErrorCode#HEARTBEAT_TIMEOUT};
 *                {@code null} for a normal close
 * @param message a human-readable explanation
 * @param cause   the exception behind it, or {@code null}
 */
public record DisconnectReason(ErrorCode code, String message, Throwable cause) {
    public DisconnectReason {
        message = message == null ? "" : message;
    }
}
