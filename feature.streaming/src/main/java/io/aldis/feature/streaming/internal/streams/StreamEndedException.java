package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.stream.StreamFailure;

/**
 * What a service's subscriber to a stream's items gets in {@code onError} when the stream ends
 * before the caller's items did: the code and message the call fails with. The code may come off
 * the wire (a peer's STREAM_ERROR): one that is not an error code (0 or above) ends the stream as
 * {@code STREAM_FAILED}, as docs/protocol.md 6.4.4 says.
 */
public final class StreamEndedException extends StreamFailure {
    private static final long serialVersionUID = 1L;

    public StreamEndedException(int code, String message) {
        super(code < 0 ? code : ErrorCode.STREAM_FAILED.code(), message);
    }
}
