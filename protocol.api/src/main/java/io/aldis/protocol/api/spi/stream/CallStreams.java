package io.aldis.protocol.api.spi.stream;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.spi.node.Session;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The streams of calls, as an OSGi service of the streaming feature. The RPC feature, as the
 * callee of a call that a session made with {@code STREAMS} set, opens the call's one stream here
 * instead of answering with a batch. While no such service is registered (the streaming feature
 * is not installed), calls are answered with batches (docs/protocol.md 6.4.1).
 */
@ProviderType
public interface CallStreams {
    /**
     * Whether {@code session} takes streams now: the client announced {@code STREAMS} in CONNECT
     * and this service announces it to the session. A call made with {@code STREAMS} set on a
     * session for which this is false is answered as if the flag were clear.
     */
    boolean streams(Session session);

    /**
     * Opens the stream of call {@code callId} of {@code session}: sends STREAM_OPEN, which comes
     * before any item of the stream and before the call's answer.
     *
     * @param listener told how the stream ends; never called before this method returned
     * @return the stream, whose {@link CallStream#send} and {@link CallStream#received} the caller
     *         uses for the directions the spec has
     * @throws ProtocolException when the stream is refused, with the code to fail the call with:
     *         {@link ErrorCode#STREAM_LIMIT} (too many streams, a high-water mark above the
     *         node's limit), {@link ErrorCode#UNKNOWN_SIZE_FUNCTION}, or
     *         {@link ErrorCode#STREAMING_UNAVAILABLE} (the session does not take streams after all)
     */
    CallStream open(Session session, long callId, StreamSpec spec, CallStreamListener listener);
}
