package io.aldis.client.internal.stream;

import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.ResumePoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The stream of a call this client serves as the callee, for a provided streaming method called
 * with {@code STREAMS} (docs/protocol.md 6.4, as a provider): it opened the stream, sends the
 * method's items within the node's credit ({@link ParamItems} over the returned publisher), and
 * hands the caller's items to the method's subscriber with its own high-water mark
 * ({@link ResultItems}, credit returned as the subscriber consumes). The call's answer waits here:
 * a streamed result is answered with {@code null} after its STREAM_END; a stream that fails
 * answers with its error's code, after the STREAM_ERROR where this side sends one.
 *
 * <p>When the connection breaks and the client will resume its session, the stream is kept
 * ({@link #suspend}): the method goes on within the credit it has, nothing of the stream is sent,
 * and an answer given meanwhile waits. After the resume it sends its STREAM_RESUME
 * ({@link #resume}), sends again what the node lacks once the node's own STREAM_RESUME came
 * ({@link #peerResumed}), and then the waiting answer (docs/protocol.md 6.4.7).
 *
 * <p>A streamed result whose answer went out stays <em>draining</em> until the node's final return
 * pays for every item: the node returns it only once it has the answer (6.4.3, rule 5), so until
 * then a break may have lost the answer, and the stream keeps it to send again after the resume.
 *
 * <p>Thread-safe: frames arrive on the client's callback thread while the method runs on its own.
 */
public final class ServedStream implements ParamItems.Owner, ResultItems.Owner {
    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.US_ASCII);

    private final ServedStreams registry;
    private final StreamHost host;
    private final StreamingMethod method;
    private final long callId;
    private final long streamId;
    private final CreditMeter meter;
    private final int highWaterMark;
    private final CompletableFuture<byte[]> answer = new CompletableFuture<>();

    // guarded by this
    private ParamItems resultItems;
    private int firstGrant;
    private boolean resultOpen;
    private ResultItems paramItems;
    private List<StreamData> early = new ArrayList<>();
    private boolean earlyEnd;
    private boolean paramOpen;
    private boolean over;
    /** Kept across a broken connection until the session's resume, or until the node's STREAM_RESUME came. */
    private boolean suspended;
    private boolean awaitingPeerResume;
    /** The call's answer, given while the stream was away; it goes after the resume's replay. */
    private Frame heldAnswer;
    /** The answer as it went out, kept while the stream drains, to go again if a break lost it. */
    private Frame answerSent;
    /** The answer went out after the result's end; the stream waits for the node's final return. */
    private boolean draining;
    /** The caller's side of a draining stream was closed once, by the answer. */
    private boolean paramClosedForDrain;

    ServedStream(ServedStreams registry, StreamHost host, StreamingMethod method, long callId, long streamId,
            CreditMeter meter) {
        this.registry = registry;
        this.host = host;
        this.method = method;
        this.callId = callId;
        this.streamId = streamId;
        this.meter = meter;
        this.highWaterMark = method.direction().callerSends() ? method.parameterHighWaterMark() : 0;
        this.paramOpen = method.direction().callerSends();
    }

    long streamId() {
        return streamId;
    }

    long callId() {
        return callId;
    }

    int highWaterMark() {
        return highWaterMark;
    }

    /**
     * The call's answer: the method's result for a streamed parameter, {@code null} once a
     * streamed result ended, or the error the stream failed with, whichever comes first.
     */
    public CompletableFuture<byte[]> answer() {
        return answer;
    }

    /** The caller's items, for the method's streamed parameter: one subscriber. */
    public Flow.Publisher<Object> parameter() {
        return subscriber -> {
            // In a lane of its own, like a streamed result's subscriber: the method may take its time over an item.
            ResultItems items = new ResultItems(subscriber, new ItemCodec(host.mapper(), method.parameterItemType()),
                    host, this, host.streamDelivery());
            items.open(streamId, highWaterMark);
            // The frame thread may end or fail the stream as soon as it sees the items: not before onSubscribe.
            items.holdDeliveries();
            boolean ended;
            ProtocolException refused = null;
            synchronized (this) {
                if (paramItems != null) {
                    items = null;
                    ended = false;
                } else {
                    // The items that came before the method subscribed are queued before a frame
                    // read meanwhile can reach the subscriber's queue, so that none overtakes them.
                    for (StreamData data : early) {
                        try {
                            items.arrived(data.item(), meter.costOf(data.item()), data.last());
                        } catch (ProtocolException e) {
                            refused = e;
                            break;
                        }
                    }
                    paramItems = items;
                    early = List.of();
                    ended = earlyEnd;
                }
            }
            if (items == null) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IllegalStateException("a streamed parameter has one subscriber"));
                return;
            }
            subscriber.onSubscribe(items);
            items.releaseDeliveries();
            if (refused != null) {
                fail(refused.code(), refused.getMessage(), true);
                return;
            }
            if (ended) {
                items.endReceived();
                items.answered();
            }
        };
    }

    /** Sends the items of the method's streamed result, once the node granted credit for them. */
    public void sendResult(Object returned) {
        if (!(returned instanceof Flow.Publisher<?> publisher)) {
            answer.completeExceptionally(new RpcCallException(ErrorCode.SERVICE_ERROR, method.name()
                    + " returned no publisher for its streamed result"));
            return;
        }
        ParamItems items = new ParamItems(publisher, new ItemCodec(host.mapper(), method.resultItemType()), host, this,
                streamId, meter, "the streamed result");
        int grant;
        synchronized (this) {
            if (over) {
                return;
            }
            resultItems = items;
            grant = firstGrant;
            resultOpen = grant > 0;
        }
        if (grant > 0) {
            items.open(grant);
        }
    }

    /** The method returned the result of a call whose stream carries only the caller's items. */
    public void methodAnswered(byte[] result) {
        answer.complete(result);
    }

    /** The method failed: its error answers the call. */
    public void methodFailed(Throwable failure) {
        answer.completeExceptionally(failure);
    }

    // ---- frames of the node, on the callback thread

    void credit(int amount) {
        ParamItems items;
        boolean first;
        synchronized (this) {
            if (over) {
                return;
            }
            if (!method.direction().calleeSends()) {
                items = null;
                first = false;
            } else if (resultItems == null || !resultOpen) {
                if (firstGrant > 0) {
                    first = false;
                    items = null;
                } else {
                    firstGrant = amount;
                    resultOpen = resultItems != null;
                    first = true;
                    items = resultItems;
                }
            } else {
                first = false;
                items = resultItems;
            }
        }
        if (!method.direction().calleeSends()) {
            fail(ErrorCode.PROTOCOL_ERROR, "STREAM_CREDIT on a stream whose callee sends no items", true);
            return;
        }
        if (items == null) {
            if (!first) {
                fail(ErrorCode.PROTOCOL_ERROR, "a grant before the first one was used", true);
            }
            return;
        }
        try {
            if (first) {
                items.open(amount);
            } else {
                items.grant(amount);
            }
        } catch (ProtocolException e) {
            fail(e.code(), e.getMessage(), true);
            return;
        }
        if (items.drained()) {
            drainedOut();
        }
    }

    void data(StreamData data) {
        if (!method.direction().callerSends()) {
            fail(ErrorCode.PROTOCOL_ERROR, "STREAM_DATA on a stream whose caller sends no items", true);
            return;
        }
        ResultItems items;
        synchronized (this) {
            if (over || !paramOpen) {
                return; // crossed a cancel or the call's answer: dropped
            }
            items = paramItems;
            if (items == null) {
                early.add(data);
                earlyEnd |= data.last();
                return;
            }
        }
        take(items, data);
    }

    private void take(ResultItems items, StreamData data) {
        try {
            items.received(data.item(), meter.costOf(data.item()), data.last());
        } catch (ProtocolException e) {
            fail(e.code(), e.getMessage(), true);
            return;
        }
        if (data.last()) {
            items.answered();
        }
    }

    void end() {
        if (!method.direction().callerSends()) {
            fail(ErrorCode.PROTOCOL_ERROR, "STREAM_END on a stream whose caller sends no items", true);
            return;
        }
        ResultItems items;
        synchronized (this) {
            if (over || !paramOpen) {
                return;
            }
            items = paramItems;
            if (items == null) {
                earlyEnd = true;
                return;
            }
        }
        items.endReceived();
        items.answered();
    }

    /** STREAM_CANCEL: the caller wants no more of the result's items; the call is answered CANCELLED. */
    void cancelledByCaller() {
        if (!method.direction().calleeSends()) {
            fail(ErrorCode.PROTOCOL_ERROR, "STREAM_CANCEL on a stream whose callee sends no items", true);
            return;
        }
        fail(ErrorCode.CANCELLED, "cancelled by the caller", false);
    }

    /** STREAM_ERROR from the node: the whole stream ends, and the call with the same code. */
    void errorFromCaller(StreamError error) {
        close(error.code(), error.message());
    }

    /** RPC_CANCEL or the node's deadline: the method's work stops; the node has answered the caller already. */
    public void callCancelled() {
        close(ErrorCode.CANCELLED.code(), "the call was cancelled");
    }

    /**
     * The call was answered: whatever of the stream is still open closes, and nothing more is sent
     * on it; a streamed result that ended drains first.
     */
    void callAnswered() {
        ParamItems sending;
        ResultItems receiving;
        boolean drain;
        synchronized (this) {
            if (over || heldAnswer != null) {
                return; // a held answer closes the stream once it went out
            }
            sending = resultItems;
            drain = drains();
            receiving = drain && paramClosedForDrain ? null : paramItems;
            if (drain) {
                draining = true;
                paramOpen = false;
                paramClosedForDrain = true;
            } else {
                over = true;
            }
        }
        if (receiving != null) {
            receiving.streamClosed();
        }
        if (drain) {
            if (sending.drained()) {
                drainedOut();
            }
            return;
        }
        registry.ended(this);
        if (sending != null) {
            sending.close();
        }
    }

    /** Whether the answer that went out leaves a streamed result to drain; guarded by this. */
    private boolean drains() {
        return answerSent instanceof RpcResponse && resultItems != null && resultItems.ended();
    }

    /** The node's final return came after the answer: the node has the answer, and the stream is over. */
    private void drainedOut() {
        ParamItems sending;
        synchronized (this) {
            if (over || !draining || suspended || awaitingPeerResume || heldAnswer != null) {
                return;
            }
            over = true;
            sending = resultItems;
        }
        registry.ended(this);
        sending.close();
    }

    // ---- resumption (docs/protocol.md 6.4.7)

    /**
     * The connection broke and the client will resume its session: whether the stream is kept for
     * that. Sending stops, and the credit the method frees waits for the resume.
     */
    boolean suspend() {
        ParamItems sending;
        ResultItems receiving;
        synchronized (this) {
            if (over) {
                return false;
            }
            suspended = true;
            if (draining) {
                heldAnswer = answerSent; // the break may have lost it: it goes again after the replay
            }
            sending = resultOpen ? resultItems : null;
            receiving = paramItems;
        }
        if (sending != null) {
            sending.suspend();
        }
        if (receiving != null) {
            receiving.suspend();
        }
        return true;
    }

    /**
     * The session was resumed: the stream's STREAM_RESUME goes out, with {@code RECEIVING} where
     * the caller's items come to this side; the node answers with its own where it receives the
     * method's items, and only then does the answer go.
     */
    void resume() {
        ResultItems receiving;
        List<StreamData> held;
        boolean ended;
        boolean sendsItems;
        synchronized (this) {
            if (!suspended || over) {
                return;
            }
            suspended = false;
            sendsItems = method.direction().calleeSends() && resultOpen;
            awaitingPeerResume = sendsItems;
            receiving = paramItems;
            held = early;
            ended = earlyEnd;
        }
        if (receiving != null) {
            receiving.resume(streamId);
        } else if (method.direction().callerSends()) {
            // The method has not subscribed yet: what this side holds is what arrived before.
            int cost = 0;
            for (StreamData data : held) {
                cost += meter.costOf(data.item());
            }
            host.send(StreamResume.receiver(streamId, held.size(), highWaterMark - cost, ended));
        } else {
            host.send(StreamResume.senderOnly(streamId));
        }
        if (!sendsItems) {
            sendHeldAnswer();
        }
    }

    /** The node's STREAM_RESUME: the method's items it lacks go again, then the held answer. */
    void peerResumed(StreamResume frame) {
        ParamItems sending;
        synchronized (this) {
            sending = resultItems;
            awaitingPeerResume = false;
        }
        if (sending != null && frame.receiving()) {
            try {
                sending.resumed(ResumePoint.of(frame));
            } catch (ProtocolException e) {
                fail(e.code(), e.getMessage(), true);
                return;
            }
        }
        sendHeldAnswer();
        if (sending != null && sending.drained()) {
            drainedOut(); // the resume itself may have paid every item back
        }
    }

    /** Whether the stream is kept for the session's resume, not yet resumed. */
    synchronized boolean suspended() {
        return suspended;
    }

    /**
     * The call's answer: held while the stream is away or waits for the node's STREAM_RESUME, so
     * that it follows the replay.
     *
     * @return whether it was held; otherwise it goes out now
     */
    synchronized boolean holdAnswer(Frame answerFrame) {
        if (over) {
            return false;
        }
        if (!suspended && !awaitingPeerResume) {
            answerSent = answerFrame;
            // Decided as it goes, not later in callAnswered: a break in between must find it draining.
            draining |= drains();
            return false;
        }
        heldAnswer = answerFrame;
        return true;
    }

    private void sendHeldAnswer() {
        Frame frame;
        synchronized (this) {
            frame = heldAnswer;
            heldAnswer = null;
            if (frame != null) {
                answerSent = frame;
            }
        }
        if (frame != null) {
            host.send(frame);
            callAnswered();
        }
    }

    // ---- ParamItems.Owner: the method's result items

    @Override
    public void paramFailed(ErrorCode code, String message) {
        fail(code, message, true);
    }

    @Override
    public void paramEnded() {
        answer.complete(JSON_NULL);
    }

    // ---- ResultItems.Owner: the method's subscriber of the caller's items

    @Override
    public void subscriberCancelled() {
        boolean tell;
        synchronized (this) {
            tell = !over && paramOpen;
            paramOpen = false;
        }
        if (tell) {
            host.send(new StreamCancel(streamId));
        }
    }

    @Override
    public void itemUnreadable() {
        String parameter = "the streamed parameter";
        close(ErrorCode.INVALID_PARAMS.code(), parameter + ": an item is not a value of its item type");
    }

    // ---- ends

    /** Ends the stream with an error: STREAM_ERROR to the node when {@code tell}, then the call's answer. */
    private void fail(ErrorCode code, String message, boolean tell) {
        if (tell) {
            synchronized (this) {
                if (over) {
                    return;
                }
            }
            host.send(new StreamError(streamId, code.code(), message));
        }
        close(code.code(), message);
    }

    /** Ends the stream without a frame; the call is answered with {@code code}. */
    private void close(int code, String message) {
        ParamItems sending;
        ResultItems receiving;
        synchronized (this) {
            if (over) {
                return;
            }
            over = true;
            sending = resultItems;
            receiving = paramItems;
        }
        registry.ended(this);
        if (sending != null) {
            sending.close();
        }
        RpcCallException failure = new RpcCallException(code, message, "");
        if (receiving != null) {
            receiving.fail(failure);
        }
        answer.completeExceptionally(failure);
    }
}
