package io.aldis.feature.cluster.internal.rpc;

import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The stream of a call another node sent with streams, on the node that serves it: what the method
 * sends goes to the calling node as items, requested from the method's publisher only as the
 * caller's credit arrives (the calling node passes on what its caller granted, and nothing more);
 * the caller's items come from the calling node within the credit the method requested. The
 * call's answer goes back after the stream's last message.
 */
final class CalleeStream implements CallStream {
    private final long callId;
    private final StreamSpec spec;
    private final CallStreamListener listener;
    private final CallAnswer answer;
    private final Consumer<RpcMessage> toCaller;
    private final PeerItems received;

    // guarded by this
    private Flow.Subscription sending;
    private long creditBeforeSending;
    private boolean sendCalled;
    private boolean sentAll;
    private boolean receivedAll;
    private boolean closed;
    private boolean told;

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
        this.received = new PeerItems(n -> toCaller.accept(RpcMessage.credit(callId, true, n)), spec.method());
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
        items.subscribe(new Flow.Subscriber<byte[]>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                long credit;
                synchronized (CalleeStream.this) {
                    if (closed) {
                        credit = -1;
                    } else {
                        sending = subscription;
                        credit = creditBeforeSending;
                        creditBeforeSending = 0;
                    }
                }
                if (credit < 0) {
                    subscription.cancel();
                } else if (credit > 0) {
                    subscription.request(credit);
                }
            }

            @Override
            public void onNext(byte[] item) {
                listener.itemSent(item.length);
                toCaller.accept(RpcMessage.item(callId, true, item));
            }

            @Override
            public void onError(Throwable failure) {
                String message = "stream processing failed: " + (failure.getMessage() == null
                        ? failure.getClass().getSimpleName() : failure.getMessage());
                if (tell()) {
                    toCaller.accept(RpcMessage.calleeFailed(callId, ErrorCode.STREAM_FAILED.code(), message));
                    listener.failed(ErrorCode.STREAM_FAILED.code(), message);
                }
            }

            @Override
            public void onComplete() {
                boolean both;
                synchronized (CalleeStream.this) {
                    sentAll = true;
                    both = receivedAll;
                }
                toCaller.accept(RpcMessage.end(callId, true));
                if (both && tell()) {
                    listener.ended();
                }
            }
        });
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
        if (frame instanceof RpcResponse response) {
            answer.result(response.result());
        } else if (frame instanceof RpcError error) {
            answer.error(error.code(), error.message(), error.details());
        }
    }

    @Override
    public void close(int code, String message) {
        Flow.Subscription s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = sending;
            told = true;
        }
        if (s != null && code != 0) {
            s.cancel();
        }
        received.fail(code != 0 ? message : "the call of " + spec.method() + " was answered");
    }

    /** Credit the caller granted for the method's items. */
    void credit(int items) {
        Flow.Subscription s;
        synchronized (this) {
            if (closed) {
                return;
            }
            s = sending;
            if (s == null) {
                creditBeforeSending += items;
                return;
            }
        }
        s.request(items);
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
