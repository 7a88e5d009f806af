package io.aldis.feature.cluster.internal.rpc;

import io.aldis.feature.rpc.spi.StreamedAnswer;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The stream of a call this node sent to another with streams, on the caller's side: once the
 * serving node opened it, the caller's stream opens here; the serving node's items are handed to
 * it ({@link PeerItems}), which requests them only as the caller grants credit, and that credit is
 * what goes to the serving node; the caller's items go to the serving node as it grants credit.
 */
final class CallerStream {
    private final long callId;
    private final StreamedAnswer answer;
    private final Consumer<RpcMessage> toCallee;

    /** The caller's items, sent to the serving node as it grants credit. */
    private final CreditedForwarding callerItems;

    // guarded by this
    private PeerItems calleeItems;
    /** The code the serving node's items failed with; 0 while they did not. */
    private int calleeFailure;

    /** @param toCallee sends a message to the serving node (never throws) */
    CallerStream(long callId, StreamedAnswer answer, Consumer<RpcMessage> toCallee) {
        this.callId = callId;
        this.answer = answer;
        this.toCallee = toCallee;
        this.callerItems = new CreditedForwarding(new CreditedForwarding.Target() {
            @Override
            public void item(byte[] item) {
                toCallee.accept(RpcMessage.item(callId, false, item));
            }

            @Override
            public void completed() {
                toCallee.accept(RpcMessage.end(callId, false));
            }

            @Override
            public void failed(Throwable failure) {
                // The stream ended otherwise (a cancel, the call's end): the call's own end tells the serving node.
            }
        });
    }

    /** The serving node opened the stream: opens the caller's, and links the two. */
    void opened(StreamSpec spec) {
        CallStream stream;
        try {
            stream = answer.opened(spec);
        } catch (ProtocolException refused) {
            // The call failed with the refusal, and the serving node was told to cancel it.
            return;
        }
        if (spec.direction().calleeSends()) {
            // The first credit carries the caller's high-water mark, which the serving node grants a
            // relayed provider in bytes and custom mode (items mode grants only what is asked).
            AtomicBoolean first = new AtomicBoolean(true);
            PeerItems items = new PeerItems(n -> toCallee.accept(first.getAndSet(false) && spec.creditMode() != CreditMode.ITEMS
                    ? RpcMessage.callerCredit(callId, n, stream.receiverHighWaterMark())
                    : RpcMessage.credit(callId, false, n)), spec.method());
            synchronized (this) {
                calleeItems = items;
            }
            stream.send(items);
        }
        if (spec.direction().callerSends()) {
            stream.received().subscribe(callerItems);
        }
    }

    /** An item of the serving node. */
    void item(byte[] item) {
        PeerItems items = calleeItems();
        if (items != null) {
            items.item(item);
        }
    }

    /** The serving node's items ended. */
    void end() {
        PeerItems items = calleeItems();
        if (items != null) {
            items.end();
        }
    }

    /** The serving node's items failed: the caller's stream fails as a local stream whose items failed. */
    void failed(int code, String message) {
        synchronized (this) {
            calleeFailure = code;
        }
        PeerItems items = calleeItems();
        if (items != null) {
            items.fail(code, message);
        }
    }

    /** The serving side takes no more of the caller's items: the caller's stream cancels them. */
    void callerItemsCancelled() {
        callerItems.stop(true);
    }

    /** The serving node grants credit for the caller's items. */
    void credit(int items) {
        callerItems.credit(items);
    }

    /**
     * Whether the serving node's error answer is the one its failed items announced: the caller's
     * stream then answers the call itself, after its STREAM_ERROR, which that answer must not
     * overtake.
     */
    synchronized boolean answersFailure(int code) {
        return calleeFailure != 0 && calleeFailure == code;
    }

    /** The call ended: nothing more goes to the serving node. */
    void callEnded() {
        callerItems.stop(false);
    }

    private synchronized PeerItems calleeItems() {
        return calleeItems;
    }
}
