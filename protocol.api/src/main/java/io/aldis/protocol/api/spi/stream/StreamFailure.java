package io.aldis.protocol.api.spi.stream;

/**
 * A failure of a stream's items that carries the protocol's error code it ends with (docs/protocol.md
 * section 8): what a publisher handed to {@link CallStream#send} may fail with so that the stream
 * ends with that code instead of {@code STREAM_FAILED}, as when a relayed provider's stream failed
 * or the provider went away. Its message is the one the caller reads.
 */
public class StreamFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public StreamFailure(int code, String message) {
        // No stack: the code and the message say all there is, and a stream may fail often.
        super(message, null, false, false);
        this.code = code;
    }

    /** The protocol's error code the stream ends with, such as -403 for a cancel. */
    public int code() {
        return code;
    }
}
