package io.aldis.protocol.api.spi.stream;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.spi.node.Session;
import java.util.concurrent.Flow;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The open stream of one call, as its callee holds it. Items are the bytes of one STREAM_DATA
 * each: UTF-8 JSON of one value, or raw bytes for a stream of bytes. Thread-safe.
 */
@ProviderType
public interface CallStream {
    /** The stream id chosen for STREAM_OPEN. */
    long streamId();

    /**
     * Sends the items of {@code items} to the caller (direction 1 or 3), within the credit the
     * caller grants: the stream subscribes once and requests only what the credit covers, so a
     * slow caller slows the publisher and nothing piles up in the node. When the publisher
     * completes, STREAM_END follows the last item; when it fails, STREAM_ERROR
     * {@code STREAM_FAILED}, or the code and message of a {@link StreamFailure} it fails with (a
     * relayed provider's stream, the provider gone). Called at most once.
     *
     * @throws IllegalStateException for a stream of direction 2, or a second call
     */
    void send(Flow.Publisher<byte[]> items);

    /**
     * The caller's items (direction 2 or 3), for one subscriber. Its {@code request(n)} is what
     * the application is ready for; an item counts as consumed once {@code onNext} returned, and
     * consumed credit goes back to the caller as the protocol says. It completes at the caller's
     * STREAM_END and fails when the stream ends otherwise (an error, a cancel, the call's end).
     * Cancelling the subscription sends STREAM_CANCEL.
     *
     * @throws IllegalStateException for a stream of direction 1
     */
    Flow.Publisher<byte[]> received();

    /**
     * Sends the call's answer, its RPC_RESPONSE or RPC_ERROR, instead of the session: after the
     * stream's frames, and kept with the stream while the stream may still be resumed, so that a
     * caller whose connection broke gets it after the replay (docs/protocol.md 6.4.7). Once the
     * stream is over, or when the session it would go to is gone for good, the answer goes out at
     * once or nowhere, as {@link Session#send} would send it.
     */
    void answer(Frame answer);

    /**
     * The call ended: ends whatever of the stream is still open, releasing its items and
     * subscriptions. With {@code code} 0 the call was answered by its own work, and the answer
     * itself closes the stream for the caller: no frame is sent, and the caller's items stop; but
     * items the callee's publisher still gives (a relayed provider's, whose answer came before the
     * caller had them all) still go out within the caller's credit, then their end, and only then
     * the answer given to {@link #answer}. Otherwise the call ended without
     * its work (a cancel, the deadline, the service withdrawn, the feature stopping) and
     * {@code code} is the error it was failed with: the stream stops the items it sends, sends
     * STREAM_CANCEL for the items it still receives, and fails {@link #received()} with
     * {@code message}. Idempotent.
     */
    void close(int code, String message);

    /**
     * The high-water mark of whoever receives the items this stream sends (the caller's {@code H},
     * directions 1 and 3), in the stream's credit unit, once that receiver granted its first
     * credit; 0 before that, or when this side does not know it. A node that relays a provider's
     * items toward this stream grants the provider this mark, so that an item fits the provider's
     * credit only if it fits the caller's (docs/protocol.md 6.4.8).
     */
    default int receiverHighWaterMark() {
        return 0;
    }
}
