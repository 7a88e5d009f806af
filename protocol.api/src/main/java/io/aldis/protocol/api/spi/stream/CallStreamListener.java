package io.aldis.protocol.api.spi.stream;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The callee's view of how a call's stream ends, which decides the call's answer
 * (docs/protocol.md 6.4.5). Called once, on the thread that sent the stream's last frame, after it
 * was sent, so an answer sent from the callback follows it on the wire.
 */
@ConsumerType
public interface CallStreamListener {
    /**
     * The callee's items ended (its STREAM_END went out) and, on a stream of direction 3, the
     * caller's items ended too: the call is answered with a JSON {@code null} result now. Not
     * called on a stream of direction 2, whose answer is the method's result.
     */
    void ended();

    /**
     * The stream ended with an error, which it already told the caller where needed (STREAM_ERROR
     * sent or received, STREAM_CANCEL received for a streamed result, the streaming feature
     * stopping): the call is answered with RPC_ERROR {@code code} and {@code message}.
     */
    void failed(int code, String message);

    /**
     * For a relayed call ({@link CallStreams#relay}): the caller's stream opened, where the node is
     * the callee. From now on the call's answer goes through {@link CallStream#answer} of
     * {@code stream}, as the answer of a call to a service inside the node does: after the
     * stream's frames, and kept with the stream while the caller may resume it (docs/protocol.md
     * 6.4.7). Called at most once, before any other method of this listener; never for
     * {@link CallStreams#open}, whose caller has the stream already.
     */
    default void opened(CallStream stream) {
    }

    /**
     * For a relayed call: an item of {@code bytes} passed from the provider on to the caller's
     * stream, as a service's item is handed to its stream, for the method's counters. Called on
     * the stream's threads, once per item; it must not block.
     */
    default void itemSent(int bytes) {
    }

    /**
     * For a relayed call: an item of {@code bytes} of the caller was taken to go on to the
     * provider, as a service takes an item of its streamed parameter, for the method's counters.
     * Called on the stream's threads, once per item; it must not block.
     */
    default void itemReceived(int bytes) {
    }
}
