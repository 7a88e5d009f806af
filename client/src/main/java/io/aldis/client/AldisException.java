package io.aldis.client;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;

/**
 * A failure reported by the node or detected by the client, with the protocol's error code so that
 * callers can branch on it rather than on the message.
 */
public class AldisException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int rawCode;

    /** A failure with a known code. */
    public AldisException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /** A failure with a known code and the exception behind it. */
    public AldisException(ErrorCode code, String message, Throwable cause) {
        this(code == null ? 0 : code.code(), message, cause);
    }

    /** A failure with a numeric code, which this release may not know. */
    public AldisException(int rawCode, String message, Throwable cause) {
        super(message, cause);
        this.rawCode = rawCode;
    }

    /** The failure an ERROR frame from the node describes. */
    public static AldisException of(ErrorFrame error) {
        return new AldisException(error.code(), error.message(), null);
    }

    /** The code, or {@code null} when the node sent a code this release does not know. */
    public ErrorCode code() {
        return ErrorCode.of(rawCode);
    }

    /** The code as a number, as it was on the wire; 0 when there is none. */
    public int rawCode() {
        return rawCode;
    }

    /** The message alone, without the code that {@link #getMessage()} puts in front of it. */
    public String reason() {
        return super.getMessage();
    }

    @Override
    public String getMessage() {
        ErrorCode code = code();
        String name = code != null ? code.name() : "code";
        return name + " (" + rawCode + "): " + super.getMessage();
    }
}
