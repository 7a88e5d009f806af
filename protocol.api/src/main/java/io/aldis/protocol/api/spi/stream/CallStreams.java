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

    /**
     * Relays the stream of call {@code callId} of {@code caller}, which the node forwards to the
     * client {@code provider} as its call {@code forwardedCallId} with {@code STREAMS} set
     * (docs/protocol.md 6.4.8). Called before that RPC_REQUEST goes out. Nothing is sent now: when
     * the provider answers the request with STREAM_OPEN, the node opens the caller's stream with
     * the same direction and credit mode and passes items from one connection to the other as the
     * next connection's credit allows. A provider that answers without a stream (a batch) leaves
     * the caller without one too.
     *
     * @param declared how the provider's descriptor declares the method's stream; a STREAM_OPEN
     *        of the provider that differs from it in direction, credit mode or size function is
     *        refused
     * @param listener {@link CallStreamListener#ended()} once the caller's stream has sent the
     *        provider's items and their end (directions 1 and 3; then the provider's answer goes to
     *        the caller), {@link CallStreamListener#failed} when either stream failed, after the
     *        other side was told: the call is to fail with that code, and the provider to be told
     *        RPC_CANCEL
     * @return the relay, which the RPC feature tells of the provider's answer and of the call's end
     * @throws ProtocolException with {@link ErrorCode#STREAMING_UNAVAILABLE} when either session
     *         does not take streams, or this implementation relays none (the default): the call is
     *         then forwarded without {@code STREAMS}
     */
    default StreamRelay relay(Session caller, long callId, Session provider, long forwardedCallId,
            StreamSpec declared, CallStreamListener listener) {
        throw new ProtocolException(ErrorCode.STREAMING_UNAVAILABLE, "streams are not relayed to providers here");
    }

    /**
     * Relays the stream of a call whose caller is not a session of this node (another node sent the
     * call, docs/cluster.md), to the client {@code provider}, as
     * {@link #relay(Session, long, Session, long, StreamSpec, CallStreamListener)} does: when the
     * provider answers with STREAM_OPEN, the caller's stream is opened through {@code caller}
     * instead of on a session, and items pass between the two as each side's credit allows. For a
     * stream in {@code items} mode whose provider sends, the node grants the provider only the
     * items the caller's side requested, so the provider never sends more than the caller granted.
     *
     * @since 1.4
     * @throws ProtocolException with {@link ErrorCode#STREAMING_UNAVAILABLE} when the provider does
     *         not take streams, or this implementation relays none (the default)
     */
    default StreamRelay relay(CallerSide caller, Session provider, long forwardedCallId, StreamSpec declared,
            CallStreamListener listener) {
        throw new ProtocolException(ErrorCode.STREAMING_UNAVAILABLE, "streams are not relayed to providers here");
    }
}
