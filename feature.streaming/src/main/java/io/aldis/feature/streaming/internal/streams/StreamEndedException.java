package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.spi.stream.StreamFailure;

/**
 * What a service's subscriber to a stream's items gets in {@code onError} when the stream ends
 * before the caller's items did: the code and message the call fails with.
 */
public final class StreamEndedException extends StreamFailure {
    private static final long serialVersionUID = 1L;

    public StreamEndedException(int code, String message) {
        super(code, message);
    }
}
