package io.aldis.feature.streaming.internal.streams;

import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamFailure;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import io.aldis.protocol.api.spi.work.SerialExecutor;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.ResumePoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream the node opened as the callee of a call: its sending side ({@link ItemSource},
 * directions 1 and 3), its receiving side ({@link ItemSink}, directions 2 and 3), and how the whole
 * ends (docs/protocol.md 6.4.5, 6.4.6). Every change of state happens on the session's event loop;
 * the methods of {@link CallStream} and the services' signals are taken over to it, so frames
 * and listener callbacks come from that one thread in order.
 *
 * <p>When the session's connection breaks and the client may resume the session, the stream is
 * kept, detached, until a resumed session takes it over ({@link #resumeOn}) or the resume window
 * ends; it then lives on the new session's event loop (docs/protocol.md 6.4.7). To that end it
 * stays until the caller paid back every item it sent and its call's answer went out, not only
 * until its items ended.
 */
public final class NodeStream implements CallStream {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    /** The session's streams this one is among: a resumed session's once it took the stream over. */
    private volatile SessionStreams owner;
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
    private final boolean resumable;
    private boolean over;
    /** No longer among the session's streams: nothing of it is kept for a resume. */
    private volatile boolean retired;
    /** The call's answer, kept for a resumed session until the stream retires. */
    private Frame answer;
    private boolean answerSent;
    /** Kept for a resumed session since its connection broke. */
    private volatile boolean awaitingResume;
    /** Between a resumed session's STREAM_RESUME and its taking effect: the session's frames wait here. */
    private volatile boolean resuming;
    private final List<Runnable> waitingForResume = new ArrayList<>();
    private volatile long itemsSent;
    private volatile long bytesSent;
    private volatile long itemsReceived;
    private volatile long bytesReceived;

    NodeStream(SessionStreams owner, long streamId, long callId, StreamSpec spec, CreditMeter meter,
            CallStreamListener listener, SerialExecutor service, OnLoopPolicy requestsPolicy,
            LongSupplier onLoopMicros) {
        this.owner = owner;
        this.streamId = streamId;
        this.callId = callId;
        this.spec = spec;
        this.meter = meter;
        this.listener = listener;
        this.resumable = owner.session().resumeKey() != null;
        this.source = spec.direction().calleeSends()
                ? new ItemSource(this, meter, service, new PromptCalls(service, this::onItsLoop, requestsPolicy, onLoopMicros,
                        "the publisher of " + spec.method()), resumable ? owner.resendBudget() : null) : null;
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

    @Override
    public void answer(Frame frame) {
        onLoop(() -> {
            answer = frame;
            answerSent = false;
            sendAnswerWhenDue();
        });
    }

    // ---- for a stream the node relays from a provider (docs/protocol.md 6.4.8), on any thread

    @Override
    public int receiverHighWaterMark() {
        return callerHighWaterMark();
    }

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
        if (waitForResume(() -> credit(amount))) {
            return;
        }
        if (source == null) {
            protocolError("STREAM_CREDIT on a stream whose callee sends no items");
            return;
        }
        try {
            source.granted(amount);
        } catch (ProtocolException e) {
            fail(e.code().code(), e.getMessage(), true);
            return;
        }
        retireIfSettled();
    }

    public void data(StreamData data) {
        if (waitForResume(() -> data(data))) {
            return;
        }
        if (sink == null) {
            protocolError("STREAM_DATA on a stream whose caller sends no items");
            return;
        }
        sink.received(data.item(), data.last());
    }

    public void end() {
        if (waitForResume(this::end)) {
            return;
        }
        if (sink == null) {
            protocolError("STREAM_END on a stream whose caller sends no items");
            return;
        }
        sink.ended();
    }

    public void cancelledByCaller() {
        if (waitForResume(this::cancelledByCaller)) {
            return;
        }
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
        if (waitForResume(() -> errorFromCaller(error))) {
            return;
        }
        // A code of 0 or above is no error code: read as STREAM_FAILED (docs/protocol.md, STREAM_ERROR).
        fail(error.code() < 0 ? error.code() : ErrorCode.STREAM_FAILED.code(), error.message(), false);
    }

    private boolean waitForResume(Runnable frame) {
        if (!resuming) {
            return false;
        }
        waitingForResume.add(frame);
        return true;
    }

    // ---- resumption (docs/protocol.md 6.4.7)

    /** Whether the stream can be kept for a resumed session: its session could be resumed, and it is not retired. */
    boolean keepable() {
        return resumable && !retired && (source == null || source.resumable());
    }

    boolean retired() {
        return retired;
    }

    /** The connection broke; the stream waits for the client to resume its session. */
    void kept() {
        awaitingResume = true;
    }

    private String state() {
        if (awaitingResume) {
            return "awaiting resume";
        }
        return over ? "draining" : "open";
    }

    /**
     * A resumed session's STREAM_RESUME for this kept stream, on that session's event loop, after
     * the stream was added to {@code next}: the stream moves over to it once what is queued for it
     * on the old session's loop ran, and then goes on where the caller stands. The session's frames
     * for the stream meanwhile wait for that.
     */
    void resumeOn(SessionStreams next, StreamResume frame) {
        resuming = true;
        awaitingResume = false;
        SessionStreams previous = owner;
        previous.onLoop(() -> {
            owner = next;
            next.onLoop(() -> resumed(frame));
        });
    }

    private void resumed(StreamResume frame) {
        resuming = false;
        if (retired) {
            send(new StreamError(streamId, ErrorCode.STREAM_NOT_FOUND.code(), "stream " + streamId
                    + " ended before it could be resumed"));
        } else {
            goOn(frame);
        }
        List<Runnable> frames = new ArrayList<>(waitingForResume);
        waitingForResume.clear();
        frames.forEach(Runnable::run);
    }

    private void goOn(StreamResume frame) {
        if (sink != null) {
            send(sink.resumePoint().toFrame(streamId));
        }
        if ((source != null) != frame.receiving()) {
            protocolError(frame.receiving() ? "STREAM_RESUME says the caller receives items on a stream whose callee"
                    + " sends none" : "STREAM_RESUME without RECEIVING on a stream whose callee sends items");
            return;
        }
        if (source != null) {
            try {
                source.resume(ResumePoint.of(frame));
            } catch (ProtocolException e) {
                fail(e.code().code(), e.getMessage(), true);
                return;
            }
        }
        // An answer that went out before the break may have been lost with it: it goes again.
        answerSent = false;
        sendAnswerWhenDue();
        readyToSend();
    }

    /** The resume window ended without the client resuming this stream. */
    void notResumed() {
        if (over) {
            retire();
        } else {
            sessionClosed();
        }
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
            retire();
            return;
        }
        over = true;
        release(ErrorCode.CONNECTION_INTERRUPTED.code(), "the connection closed");
        retire();
        tellFailed(ErrorCode.CONNECTION_INTERRUPTED.code(), "the connection closed");
    }

    private void closeByCall(int code, String message) {
        if (over) {
            return;
        }
        String why = message == null || message.isEmpty() ? "the call ended" : message;
        if (code == 0 && source != null && !source.endSent()) {
            // Answered while items are still to go (a relayed provider answers once it sent them,
            // not once the caller has them): they go on, the answer waits for their end, and only
            // the caller's items stop, as the answer closes their side.
            if (sink != null) {
                sink.fail(new StreamEndedException(ErrorCode.CANCELLED.code(), why));
            }
            return;
        }
        over = true;
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
        retire();
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
            // An answer given before the failure (a relayed provider's, waiting for its items to
            // reach the caller) still follows the STREAM_ERROR: retiring lets it go at once.
            retire();
            sendAnswerWhenDue();
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
        if (failure instanceof StreamFailure relayed && relayed.code() == StreamFailure.codeOf(relayed)) {
            // A relayed provider's stream failed, here or on another node: the caller gets its code
            // and words, after its items.
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
        owner.outbound().after(() -> {
            endedIfBothSidesAre();
            sendAnswerWhenDue();
        });
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
        // It stays until the caller paid back every item and the call's answer went out.
        retireIfSettled();
        if (source != null) {
            // A stream of direction 2 is answered by the method's result instead.
            try {
                listener.ended();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "The call of stream " + streamId + " failed to end", e);
            }
        }
    }

    /** Sends the call's answer once the items' end is out; a retired stream sends it at once. */
    private void sendAnswerWhenDue() {
        if (answer == null || answerSent || resuming) {
            return;
        }
        if (!retired && source != null && !source.endSent()) {
            return;
        }
        answerSent = true;
        send(answer);
        retireIfSettled();
    }

    /** Retires a stream that ended well once nothing of it can be needed again. */
    private void retireIfSettled() {
        if (over && answerSent && (source == null || source.allPaidBack())) {
            retire();
        }
    }

    private void retire() {
        if (!retired) {
            retired = true;
            if (answerSent) {
                answer = null;
            }
            if (source != null) {
                source.dropCopies();
            }
            owner.remove(this);
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

    /** Whether this thread is the event loop of the session the stream belongs to now (after a resume, the new one). */
    private boolean onItsLoop() {
        return StreamLoop.inLoop(owner.session());
    }

    /** Runs {@code task} on the event loop of the session the stream belongs to when it runs. */
    void onLoop(Runnable task) {
        SessionStreams at = owner;
        at.onLoop(() -> {
            if (owner == at) {
                task.run();
            } else {
                onLoop(task);
            }
        });
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
                itemsReceived, bytesReceived, openedAt, callId, state(), false, -1);
    }
}
