package io.aldis.protocol.api.spi.stream;

import io.aldis.protocol.api.ErrorCode;

/**
 * A failure of a stream's items that carries the protocol's error code it ends with (docs/protocol.md
 * section 8): what a publisher handed to {@link CallStream#send} may fail with so that the stream
 * ends with that code instead of {@code STREAM_FAILED}, as when a relayed provider's stream failed
 * or the provider went away. Its message is the one the caller reads.
 */
public class StreamFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    /**
     * @param code the error code, negative as every code of docs/protocol.md section 8
     * @throws IllegalArgumentException for a code of 0 or above, which is no failure's
     */
    public StreamFailure(int code, String message) {
        // No stack: the code and the message say all there is, and a stream may fail often.
        super(message, null, false, false);
        if (code >= 0) {
            throw new IllegalArgumentException("a stream's failure carries a negative error code, not " + code);
        }
        this.code = code;
    }

    /**
     * The code a stream whose items failed with {@code failure} ends with: a {@link StreamFailure}'s
     * own when it is an error code (negative), otherwise {@code STREAM_FAILED} (-502).
     */
    public static int codeOf(Throwable failure) {
        if (failure instanceof StreamFailure coded && coded.code() < 0) {
            return coded.code();
        }
        return ErrorCode.STREAM_FAILED.code();
    }

    /** The protocol's error code the stream ends with, such as -403 for a cancel. */
    public int code() {
        return code;
    }
}
