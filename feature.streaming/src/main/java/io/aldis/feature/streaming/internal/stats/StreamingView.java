package io.aldis.feature.streaming.internal.stats;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the streaming feature shows its operators: the shell commands and the MBean read this, and
 * nothing else of the feature, so that they need not change when the engine does.
 */
public interface StreamingView {
    /**
     * One open stream.
     *
     * @param streamId       the node's id of the stream, unique on the node
     * @param sessionId      the session of the call
     * @param user           the session's user
     * @param method         the call's {@code service.method}
     * @param direction      1 callee to caller, 2 caller to callee, 3 both
     * @param creditMode     {@code items}, {@code bytes} or {@code custom(name)}
     * @param sendCredit     the node's credit for the items it sends now; -1 when it sends none
     * @param receiveCredit  the credit the node handed out for the caller's items and not yet seen
     *                       used; -1 when it receives none
     * @param itemsSent      items the node sent
     * @param bytesSent      bytes of those items
     * @param itemsReceived  items the node received
     * @param bytesReceived  bytes of those items
     * @param openedAt       when the stream was opened
     * @param callId         the caller's id of the call
     * @param state          {@code open}; {@code draining} once its items ended, until the caller paid
     *                       them back and got the answer; {@code awaiting resume} while its connection
     *                       is broken and the client may still resume the session
     * @param providerSide   whether this is the provider's side of a relayed call (docs/protocol.md
     *                       6.4.8), where the node is the caller: then the id is the provider's, the
     *                       session and user are the provider's, the call id is the one the node gave
     *                       the forwarded call, "sent" and "received" are the node's toward the provider
     * @param pairedWith     for a relayed call, the id of the other side's stream (the provider's for
     *                       the caller's side, the node's for the provider's side); -1 otherwise
     */
    record StreamRow(long streamId, UUID sessionId, String user, String method, int direction, String creditMode,
            int sendCredit, int receiveCredit, long itemsSent, long bytesSent, long itemsReceived, long bytesReceived,
            Instant openedAt, long callId, String state, boolean providerSide, long pairedWith) {

        /** The same row, paired with the other side of its relayed call. */
        public StreamRow pairedWith(long otherSide) {
            return new StreamRow(streamId, sessionId, user, method, direction, creditMode, sendCredit, receiveCredit,
                    itemsSent, bytesSent, itemsReceived, bytesReceived, openedAt, callId, state, providerSide,
                    otherSide);
        }
    }

    /**
     * Every open stream, the node's by id, each relayed call's provider side right after its
     * caller's side (or after the node's streams, while the caller's side is not open).
     */
    List<StreamRow> streams();

    /**
     * The counters since the feature started ({@link StreamCounters#NAMES}), {@code open}, the
     * streams open now, and {@code awaitingResume}, those of them whose connection broke.
     */
    Map<String, Long> counters();
}
