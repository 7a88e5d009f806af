package io.aldis.feature.cluster.internal.rpc;

import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamFailure;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The stream of a call another node sent with streams, on the node that serves it: what the method
 * sends goes to the calling node as items, requested from the method's publisher only as the
 * caller's credit arrives (the calling node passes on what its caller granted, and nothing more);
 * the caller's items come from the calling node within the credit the method requested. The
 * call's answer goes back after the stream's last message: an answer that comes while the items
 * still go (a relayed provider's, which may answer before the node passed all its items on) waits
 * for their end.
 */
final class CalleeStream implements CallStream {
    private final long callId;
    private final StreamSpec spec;
    private final CallStreamListener listener;
    private final CallAnswer answer;
    private final Consumer<RpcMessage> toCaller;
    private final PeerItems received;

    /** The method's items, sent to the calling node as the caller grants credit there. */
    private final CreditedForwarding sending;

    // guarded by this
    private boolean sendCalled;
    private boolean sentAll;
    private boolean receivedAll;
    /** The call ended, answered by its work (its items may still go) or otherwise. */
    private boolean closed;
    /** The call ended without its work: the items stop. */
    private boolean stopped;
    private boolean told;
    /** The call's answer, held until the method's items ended. */
    private Frame heldAnswer;
    /** The caller's high-water mark, as its node passed it on with its first credit; 0 until then. */
    private volatile int callerMark;

    /**
     * @param toCaller sends a message to the calling node (never throws)
     * @param answer   where the call's answer goes, after the stream's messages
     */
    CalleeStream(long callId, StreamSpec spec, CallStreamListener listener, CallAnswer answer,
            Consumer<RpcMessage> toCaller) {
        this.callId = callId;
        this.spec = spec;
        this.listener = listener;
        this.answer = answer;
        this.toCaller = toCaller;
        this.received = new PeerItems(n -> toCaller.accept(RpcMessage.credit(callId, true, n)), spec.method(),
                () -> toCaller.accept(RpcMessage.cancelCallerItems(callId)));
        this.sending = new CreditedForwarding(new CreditedForwarding.Target() {
            @Override
            public void item(byte[] item) {
                listener.itemSent(item.length);
                toCaller.accept(RpcMessage.item(callId, true, item));
            }

            @Override
            public void completed() {
                itemsEnded();
            }

            @Override
            public void failed(Throwable failure) {
                itemsFailed(failure);
            }
        });
        if (!spec.direction().callerSends()) {
            receivedAll = true;
        }
    }

    @Override
    public long streamId() {
        return callId;
    }

    @Override
    public void send(Flow.Publisher<byte[]> items) {
        synchronized (this) {
            if (!spec.direction().calleeSends() || sendCalled) {
                throw new IllegalStateException("the stream of " + spec.method() + " sends no items, or sends them already");
            }
            sendCalled = true;
        }
        items.subscribe(sending);
    }

    /** The method's items ended: their end goes to the calling node, then an answer held for it. */
    private void itemsEnded() {
        toCaller.accept(RpcMessage.end(callId, true));
        boolean both;
        Frame held;
        synchronized (this) {
            sentAll = true;
            both = receivedAll;
            held = takeHeldAnswer();
        }
        if (both && tell()) {
            listener.ended();
        }
        if (held != null) {
            sendAnswer(held);
        }
    }

    /**
     * The method's items failed. A relayed provider's stream ends with its own code (its
     * STREAM_ERROR, the provider gone); a method's publisher that fails ends it with STREAM_FAILED.
     */
    private void itemsFailed(Throwable failure) {
        int code = StreamFailure.codeOf(failure);
        // A failure whose code is no error code is the publisher's own fault, worded as such.
        boolean coded = failure instanceof StreamFailure f && f.code() == code;
        String message = coded ? failure.getMessage()
                : "stream processing failed: " + (failure.getMessage() == null
                        ? failure.getClass().getSimpleName() : failure.getMessage());
        if (tell()) {
            toCaller.accept(RpcMessage.calleeFailed(callId, code, message));
            listener.failed(code, message);
        }
        Frame held;
        synchronized (this) {
            sentAll = true;
            held = takeHeldAnswer();
        }
        if (held != null) {
            sendAnswer(held);
        }
    }

    @Override
    public Flow.Publisher<byte[]> received() {
        if (!spec.direction().callerSends()) {
            throw new IllegalStateException("the stream of " + spec.method() + " receives no items");
        }
        return received;
    }

    @Override
    public void answer(Frame frame) {
        synchronized (this) {
            if (spec.direction().calleeSends() && !sentAll && !stopped) {
                // The calling node must have the items and their end before the answer.
                heldAnswer = frame;
                return;
            }
        }
        sendAnswer(frame);
    }

    private void sendAnswer(Frame frame) {
        if (frame instanceof RpcResponse response) {
            answer.result(response.result());
        } else if (frame instanceof RpcError error) {
            answer.error(error.code(), error.message(), error.details());
        }
    }

    /** The answer held for the end of the items, taken once; the caller holds the lock. */
    private Frame takeHeldAnswer() {
        Frame held = heldAnswer;
        heldAnswer = null;
        return held;
    }

    /**
     * The call ended. With code 0 its work answered it: the items the method (a relayed provider)
     * still gives go on within the caller's credit, then their end, then the answer. Otherwise the
     * items stop, and an answer held for them goes now.
     */
    @Override
    public void close(int code, String message) {
        Frame held = null;
        boolean stop;
        synchronized (this) {
            if (closed && (code == 0 || stopped)) {
                return;
            }
            closed = true;
            told = true;
            stop = code != 0 || !sendCalled;
            if (stop) {
                stopped = true;
                held = takeHeldAnswer();
            }
        }
        if (stop) {
            sending.stop(true);
        }
        received.fail(code != 0 ? message : "the call of " + spec.method() + " was answered");
        if (held != null) {
            sendAnswer(held);
        }
    }

    /** The caller's high-water mark, which came with its first credit. */
    void callerMark(int mark) {
        if (mark > 0 && callerMark == 0) {
            callerMark = mark;
        }
    }

    @Override
    public int receiverHighWaterMark() {
        return callerMark;
    }

    /** Credit the caller granted for the method's items. */
    void credit(int items) {
        sending.credit(items);
    }

    /** An item of the caller. */
    void item(byte[] item) {
        listener.itemReceived(item.length);
        received.item(item);
    }

    /** The caller's items ended; on a stream of direction 3 whose method's items ended too, the call is answered. */
    void end() {
        received.end();
        boolean both;
        synchronized (this) {
            receivedAll = true;
            both = sentAll && spec.direction().calleeSends();
        }
        if (both && tell()) {
            listener.ended();
        }
    }

    /** Whether the listener is still to hear how the stream ended; true once. */
    private synchronized boolean tell() {
        if (told) {
            return false;
        }
        told = true;
        return true;
    }
}
