package io.aldis.feature.streaming.internal.streams;

import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.CreditMeter;
import java.time.Instant;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream the node opened as the callee of a call: its sending side ({@link ItemSource},
 * directions 1 and 3), its receiving side ({@link ItemSink}, directions 2 and 3), and how the whole
 * ends (docs/protocol.md 6.4.5, 6.4.6). Every change of state happens on the session's event loop;
 * the methods of {@link CallStream} and the services' signals are taken over to it, so frames
 * and listener callbacks come from that one thread in order.
 */
public final class NodeStream implements CallStream {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    private final SessionStreams owner;
    private final long streamId;
    private final long callId;
    private final StreamSpec spec;
    private final CreditMeter meter;
    private final CallStreamListener listener;
    private final Instant openedAt = Instant.now();
    private final ItemSource source;
    private final ItemSink sink;
    private final SerialExecutor service;
    private final AtomicBoolean sendCalled = new AtomicBoolean();
    private boolean over;
    private volatile long itemsSent;
    private volatile long bytesSent;
    private volatile long itemsReceived;
    private volatile long bytesReceived;

    NodeStream(SessionStreams owner, long streamId, long callId, StreamSpec spec, CreditMeter meter,
            CallStreamListener listener, SerialExecutor service) {
        this.owner = owner;
        this.streamId = streamId;
        this.callId = callId;
        this.spec = spec;
        this.meter = meter;
        this.listener = listener;
        this.source = spec.direction().calleeSends() ? new ItemSource(this, meter, service) : null;
        this.sink = spec.direction().callerSends() ? new ItemSink(this, meter, service, spec.highWaterMark()) : null;
        this.service = service;
    }

    // ---- CallStream, on any thread

    @Override
    public long streamId() {
        return streamId;
    }

    @Override
    public void send(Flow.Publisher<byte[]> items) {
        if (source == null) {
            throw new IllegalStateException("stream " + streamId + " only receives the caller's items");
        }
        if (!sendCalled.compareAndSet(false, true)) {
            throw new IllegalStateException("the items of stream " + streamId + " are already being sent");
        }
        service.execute(() -> {
            try {
                items.subscribe(source);
            } catch (RuntimeException e) {
                onLoop(() -> serviceFailed(e));
            }
        });
    }

    @Override
    public Flow.Publisher<byte[]> received() {
        if (sink == null) {
            throw new IllegalStateException("stream " + streamId + " only sends items to the caller");
        }
        return sink;
    }

    @Override
    public void close(int code, String message) {
        onLoop(() -> closeByCall(code, message));
    }

    // ---- for a stream the node relays from a provider (docs/protocol.md 6.4.8), on any thread

    /** The caller's high-water mark for the items it receives: its first grant, 0 before that came. */
    public int callerHighWaterMark() {
        return source == null ? 0 : source.highWaterMark();
    }

    /**
     * The provider's side of the stream failed: the caller is told with STREAM_ERROR {@code code}
     * and the listener fails with it, as if this stream had failed itself.
     */
    public void failFromProvider(int code, String message) {
        onLoop(() -> fail(code, message, true));
    }

    // ---- frames of the caller, on the event loop (the frame handler is non-blocking)

    public void credit(int amount) {
        if (source == null) {
            protocolError("STREAM_CREDIT on a stream whose callee sends no items");
            return;
        }
        try {
            source.granted(amount);
        } catch (ProtocolException e) {
            fail(e.code().code(), e.getMessage(), true);
        }
    }

    public void data(StreamData data) {
        if (sink == null) {
            protocolError("STREAM_DATA on a stream whose caller sends no items");
            return;
        }
        sink.received(data.item(), data.last());
    }

    public void end() {
        if (sink == null) {
            protocolError("STREAM_END on a stream whose caller sends no items");
            return;
        }
        sink.ended();
    }

    public void cancelledByCaller() {
        if (source == null) {
            protocolError("STREAM_CANCEL on a stream whose callee sends no items");
            return;
        }
        if (over) {
            return;
        }
        owner.counters().cancelled();
        owner.cancelledByClient();
        fail(ErrorCode.CANCELLED.code(), "cancelled by the caller", false);
    }

    public void errorFromCaller(StreamError error) {
        fail(error.code(), error.message(), false);
    }

    // ---- ends decided by the node, on the event loop

    /** An operator ended the stream ({@code aldis:stream-cancel}). */
    void cancelByOperator() {
        if (!over) {
            owner.counters().cancelled();
        }
        fail(ErrorCode.CANCELLED.code(), "cancelled by an operator", true);
    }

    /** The streaming feature is stopping; the session stays. */
    void featureStopping() {
        fail(ErrorCode.CAPABILITY_UNAVAILABLE.code(), "streaming was uninstalled", true);
    }

    /** The session ended: nothing can be sent any more; services and the call are released. */
    void sessionClosed() {
        if (over) {
            return;
        }
        over = true;
        release(ErrorCode.CONNECTION_INTERRUPTED.code(), "the connection closed");
        owner.remove(this);
        tellFailed(ErrorCode.CONNECTION_INTERRUPTED.code(), "the connection closed");
    }

    private void closeByCall(int code, String message) {
        if (over) {
            return;
        }
        over = true;
        String why = message == null || message.isEmpty() ? "the call ended" : message;
        if (code != 0) {
            if (code == ErrorCode.CANCELLED.code()) {
                owner.counters().cancelled();
                owner.cancelledByClient();
            }
            if (sink != null && sink.open()) {
                send(new StreamCancel(streamId));
            }
        }
        release(code == 0 ? ErrorCode.CANCELLED.code() : code, why);
        owner.remove(this);
    }

    /**
     * Ends the whole stream with an error: STREAM_ERROR to the caller when {@code tellCaller} (the
     * error is the node's or a service's, not the caller's own), then the listener's
     * {@code failed}, after that frame on the wire.
     */
    void fail(int code, String message, boolean tellCaller) {
        if (over) {
            return;
        }
        over = true;
        if (tellCaller) {
            send(new StreamError(streamId, code, message));
        }
        if (code != ErrorCode.CANCELLED.code()) {
            owner.counters().failed();
        }
        release(code, message);
        owner.outbound().after(() -> {
            owner.remove(this);
            tellFailed(code, message);
        });
    }

    /**
     * The service's publisher or subscriber failed: STREAM_FAILED, with the exception's own message
     * (its class name when it has none), never a stack or a library's class.
     */
    /** The largest frame the session's peer takes (its CONNECT_ACK's maxFrameSize). */
    int maxFrameSize() {
        return owner.session().limits().maxFrameSize();
    }

    void serviceFailed(Throwable failure) {
        if (failure instanceof StreamEndedException relayed) {
            // A relayed provider's stream failed: the caller gets its code and words, after its items.
            fail(relayed.code(), relayed.getMessage(), true);
            return;
        }
        String message = failure.getMessage();
        String why = message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
        fail(ErrorCode.STREAM_FAILED.code(), "stream processing failed: " + why, true);
    }

    void receivedBadItem(ProtocolException e) {
        if (e.code() == ErrorCode.STREAM_CREDIT_EXCEEDED) {
            owner.counters().creditExceeded();
        }
        fail(e.code().code(), e.getMessage(), true);
    }

    void protocolError(String message) {
        fail(ErrorCode.PROTOCOL_ERROR.code(), message, true);
    }

    private void release(int code, String message) {
        if (source != null) {
            source.stop();
            owner.outbound().remove(source);
        }
        if (sink != null) {
            sink.fail(new StreamEndedException(code, message));
        }
    }

    // ---- the sides' progress, on the event loop

    void sourceEnded() {
        owner.outbound().after(this::endedIfBothSidesAre);
    }

    void sinkEnded() {
        endedIfBothSidesAre();
    }

    void sinkCancelled() {
        sink.cancel();
        endedIfBothSidesAre();
    }

    private void endedIfBothSidesAre() {
        if (over) {
            return;
        }
        boolean sent = source == null || source.endSent();
        boolean received = sink == null || sink.done();
        if (!sent || !received) {
            return;
        }
        over = true;
        owner.remove(this);
        if (source != null) {
            // A stream of direction 2 is answered by the method's result instead.
            try {
                listener.ended();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "The call of stream " + streamId + " failed to end", e);
            }
        }
    }

    private void tellFailed(int code, String message) {
        try {
            listener.failed(code, message);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The call of stream " + streamId + " failed to fail", e);
        }
    }

    void readyToSend() {
        if (!over && source != null) {
            owner.outbound().ready(source);
        }
    }

    void send(Frame frame) {
        owner.outbound().send(frame);
    }

    void onLoop(Runnable task) {
        owner.onLoop(task);
    }

    void countSent(int bytes) {
        itemsSent++;
        bytesSent += bytes;
        owner.counters().sent(bytes);
    }

    void countReceived(int bytes) {
        itemsReceived++;
        bytesReceived += bytes;
        owner.counters().received(bytes);
    }

    // ---- for listings

    /** The stream as an operator sees it now; read from any thread, so figures may be a moment old. */
    public StreamRow row() {
        return new StreamRow(streamId, owner.session().id(), owner.session().user() == null ? ""
                : owner.session().user().name(), spec.method(), spec.direction().code(), meter.toString(),
                source == null ? -1 : source.credit(), sink == null ? -1 : sink.credit(), itemsSent, bytesSent,
                itemsReceived, bytesReceived, openedAt, callId);
    }
}
