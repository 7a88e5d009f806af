package io.aldis.protocol.api;

/** A violation of the protocol, carrying the error code to answer it with. */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        // No stack trace: a flood of bad frames must stay cheap, and the code says all there is.
        super(message, null, false, false);
        this.code = code;
    }

    /** The code to put in the ERROR frame that answers this violation. */
    public ErrorCode code() {
        return code;
    }
}
