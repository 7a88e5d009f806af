package io.aldis.feature.streaming.internal.streams;

/**
 * What a service's subscriber to a stream's items gets in {@code onError} when the stream ends
 * before the caller's items did: the code and message the call fails with.
 */
public final class StreamEndedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public StreamEndedException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The protocol's error code (docs/protocol.md section 8), such as -403 for a cancel. */
    public int code() {
        return code;
    }
}
