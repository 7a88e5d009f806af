package io.aldis.feature.rpc.api;

import io.aldis.protocol.api.ErrorCode;

/**
 * A call failed with a chosen error code. A service method throws it to answer with that code
 * (say {@code INVALID_PARAMS} for a check the constraint annotations cannot express), and
 * {@link RpcRegistry#call} completes with it when a call fails. No stack trace ever leaves the
 * node.
 */
public class RpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String details;

    /**
     * @param code    the numeric error code sent in RPC_ERROR
     * @param message a message for the caller
     * @param details a JSON object with details, or the empty string
     */
    public RpcException(int code, String message, String details) {
        super(message, null, false, false);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    /** An error with a known code and no details. */
    public RpcException(ErrorCode code, String message) {
        this(code.code(), message, "");
    }

    /** The numeric error code. */
    public int code() {
        return code;
    }

    /** The known error code, or {@code null} for a code this release does not know. */
    public ErrorCode errorCode() {
        return ErrorCode.of(code);
    }

    /** A JSON object with details, or the empty string. */
    public String details() {
        return details;
    }
}
