package io.aldis.client;

import io.aldis.protocol.api.ErrorCode;
import java.util.Optional;

/**
 * Why a connection ended. A normal close (the application's {@link AldisClient#close()}, or a
 * CLOSE with code 0 from the node) has {@link #rawCode()} 0, as CLOSE itself does on the wire, and
 * {@link #normal()} true; every other ending carries an error code.
 *
 * @param code    the code the node gave in CLOSE or ERROR, or the client's own code such as
 *                {@link ErrorCode#CONNECTION_LOST} or {@link ErrorCode#HEARTBEAT_TIMEOUT};
 *                {@code null} for a normal close and for a code this release does not know, so
 *                prefer {@link #errorCode()} or {@link #rawCode()}, which are never null
 * @param message a human-readable explanation
 * @param cause   the exception behind it, or {@code null}
 * @param rawCode the code as a number, as the protocol has it: 0 for a normal close
 * @since 1.3 (rawCode; before that, a normal close was only told by a null code)
 */
public record DisconnectReason(ErrorCode code, String message, Throwable cause, int rawCode) {
    /** The number CLOSE carries for a normal close (docs/protocol.md, CLOSE). */
    public static final int NORMAL_CLOSE = 0;

    public DisconnectReason {
        message = message == null ? "" : message;
        if (code != null && rawCode != code.code()) {
            throw new IllegalArgumentException("code " + code + " is " + code.code() + ", not " + rawCode);
        }
    }

    /**
     * A reason with a known code, or a normal close when {@code code} is {@code null} (the meaning
     * a null code had before {@link #rawCode()} existed).
     */
    public DisconnectReason(ErrorCode code, String message, Throwable cause) {
        this(code, message, cause, code == null ? NORMAL_CLOSE : code.code());
    }

    /** A reason with a code as it came on the wire, which this release may not know; 0 is a normal close. */
    public static DisconnectReason ofRawCode(int rawCode, String message, Throwable cause) {
        return new DisconnectReason(rawCode == NORMAL_CLOSE ? null : ErrorCode.of(rawCode), message, cause, rawCode);
    }

    /** A normal close: nothing went wrong, and the client does not reconnect after one it asked for. */
    public static DisconnectReason normalClose(String message) {
        return new DisconnectReason(null, message, null, NORMAL_CLOSE);
    }

    /** Whether the connection ended normally (code 0) rather than with an error. */
    public boolean normal() {
        return rawCode == NORMAL_CLOSE;
    }

    /** The error code; empty for a normal close and for a code this release does not know. */
    public Optional<ErrorCode> errorCode() {
        return Optional.ofNullable(code);
    }
}
