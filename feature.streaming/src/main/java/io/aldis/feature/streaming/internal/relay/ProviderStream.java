package io.aldis.feature.streaming.internal.relay;

import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import io.aldis.feature.streaming.internal.streams.Outbound;
import io.aldis.feature.streaming.internal.streams.StreamEndedException;
import io.aldis.feature.streaming.internal.streams.StreamLoop;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.ResumePoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The stream of a forwarded call on the provider's connection, where the node is the caller
 * (docs/protocol.md 6.4.8): the provider's items ({@link ProviderItems}, directions 1 and 3), the
 * caller's items going to it ({@link ItemsToProvider}, directions 2 and 3), the frames the provider
 * sends on it, and how it ends. The provider opened it, so its id is the provider's. Everything
 * happens on the provider's event loop.
 *
 * <p>When the provider's connection breaks and its client may resume the session, the stream is
 * kept ({@link #keep}) until the resumed session names it with STREAM_RESUME ({@link #resumeOn});
 * it then lives on that session's event loop and goes on where the provider stands
 * (docs/protocol.md 6.4.7).
 */
final class ProviderStream {
    private final Relays relays;
    private final Relay relay;
    /** The provider's session: a resumed session's once the stream moved over to it. */
    private volatile Session session;
    private final long streamId;
    private final StreamDirection direction;
    private final CreditMeter meter;
    private final Instant openedAt = Instant.now();
    private final ProviderItems received;
    private final ItemsToProvider sent;
    // Written on the provider's event loop only, read by operators' listings.
    private volatile long itemsToProvider;
    private volatile long bytesToProvider;
    private volatile long itemsFromProvider;
    private volatile long bytesFromProvider;
    /** Kept while the provider's connection is broken, until its resumed session names the stream. */
    private volatile boolean kept;
    private volatile boolean over;
    /** The provider answered the call, which closed its side that receives the caller's items. */
    private volatile boolean answered;
    /** Between a resumed session's STREAM_RESUME and its taking effect: the session's frames wait here. */
    private volatile boolean resuming;
    private final List<Frame> waitingForResume = new ArrayList<>();

    /**
     * @param initialCredit the provider's first grant for the caller's items (STREAM_OPEN's), for
     *        directions 2 and 3
     * @param callerHighWaterMark the caller's high-water mark, once it granted it
     */
    ProviderStream(Relays relays, Relay relay, Session session, long streamId, StreamDirection direction,
            CreditMeter meter, int initialCredit, IntSupplier callerHighWaterMark) {
        this.relays = relays;
        this.relay = relay;
        this.session = session;
        this.streamId = streamId;
        this.direction = direction;
        this.meter = meter;
        this.received = direction.calleeSends() ? new ProviderItems(this, meter, callerHighWaterMark) : null;
        this.sent = direction.callerSends() ? new ItemsToProvider(this, meter, initialCredit,
                session.resumeKey() == null ? null : relays.resendBudget()) : null;
    }

    long streamId() {
        return streamId;
    }

    Session session() {
        return session;
    }

    /** The provider's items, for the caller's stream to send; null for direction 2. */
    ProviderItems received() {
        return received;
    }

    /** Where the caller's items go, for the caller's stream to feed; null for direction 1. */
    ItemsToProvider sent() {
        return sent;
    }

    // ---- frames of the provider, on its event loop

    /** A STREAM_* frame of the provider other than STREAM_OPEN and STREAM_RESUME. */
    void take(Frame frame) {
        if (resuming) {
            waitingForResume.add(frame);
        } else if (frame instanceof StreamData data) {
            data(data);
        } else if (frame instanceof StreamCredit credit) {
            credit(credit.credit());
        } else if (frame instanceof StreamEnd) {
            end();
        } else if (frame instanceof StreamCancel) {
            cancel();
        } else {
            error((StreamError) frame);
        }
    }

    private void data(StreamData data) {
        if (received == null) {
            providerBroke(ErrorCode.PROTOCOL_ERROR, "STREAM_DATA on a stream whose callee sends no items");
            return;
        }
        received.received(data.item(), data.last());
    }

    private void end() {
        if (received == null) {
            providerBroke(ErrorCode.PROTOCOL_ERROR, "STREAM_END on a stream whose callee sends no items");
            return;
        }
        received.ended();
    }

    private void credit(int amount) {
        if (sent == null) {
            providerBroke(ErrorCode.PROTOCOL_ERROR, "STREAM_CREDIT on a stream whose callee receives no items");
            return;
        }
        sent.granted(amount);
    }

    private void cancel() {
        if (sent == null) {
            providerBroke(ErrorCode.PROTOCOL_ERROR, "STREAM_CANCEL on a stream whose callee receives no items");
            return;
        }
        sent.cancelledByProvider();
    }

    /**
     * The provider's STREAM_ERROR: the whole stream ends, and the caller's with the same code. Where
     * the provider sent items, the error follows those the caller's stream already took from them,
     * as 5.6 wants: it reaches the caller's stream as the publisher's failure, after its items.
     */
    private void error(StreamError error) {
        if (over) {
            return;
        }
        StreamEndedException why = new StreamEndedException(error.code(), error.message());
        if (received == null) {
            end(why);
            relay.providerFailed(why.code(), error.message());
            return;
        }
        end(why);
    }

    // ---- resumption (docs/protocol.md 6.4.7), on the provider's event loop

    /**
     * The provider's connection broke: whether the stream is kept for its resumed session. One
     * whose copies of the caller's items did not fit the node's budget cannot be resumed.
     */
    boolean keep() {
        if (over) {
            return false;
        }
        if (sent != null && !sent.resumable()) {
            return false;
        }
        if (sent != null) {
            sent.suspend();
        }
        kept = true;
        return true;
    }

    /**
     * A resumed session's STREAM_RESUME for this kept stream: the stream moves over to that session
     * once what is queued for it on the old session's loop ran, and then goes on where the provider
     * stands. The session's frames for the stream meanwhile wait for that.
     */
    void resumeOn(Session next, StreamResume frame) {
        resuming = true;
        Session previous = session;
        StreamLoop.run(previous, () -> {
            session = next;
            StreamLoop.run(next, () -> resumed(frame));
        });
    }

    private void resumed(StreamResume frame) {
        resuming = false;
        kept = false;
        if (over) {
            relays.remove(this);
            session.send(new StreamError(streamId, ErrorCode.STREAM_NOT_FOUND.code(), "stream " + streamId
                    + " ended before it could be resumed"));
        } else {
            goOn(frame);
        }
        List<Frame> frames = new ArrayList<>(waitingForResume);
        waitingForResume.clear();
        frames.forEach(this::take);
    }

    private void goOn(StreamResume frame) {
        if (received != null) {
            ResumePoint point = received.resumePoint();
            if (point != null) {
                session.send(point.toFrame(streamId));
            }
        }
        if ((sent != null) != frame.receiving()) {
            providerBroke(ErrorCode.PROTOCOL_ERROR, frame.receiving() ? "STREAM_RESUME says the provider receives"
                    + " items on a stream whose callee receives none" : "STREAM_RESUME without RECEIVING on a stream"
                    + " whose callee receives items");
            return;
        }
        if (sent != null) {
            try {
                sent.resume(ResumePoint.of(frame));
            } catch (ProtocolException e) {
                providerBroke(e.code(), e.getMessage());
            }
        }
    }

    // ---- ends, on the provider's event loop

    /**
     * The provider broke the stream's rules, or an item cannot go on to it: it is told with
     * STREAM_ERROR {@code code} and the caller's stream fails with {@code STREAM_FAILED}, since the
     * fault is not the caller's; a caller's side on another node reads that code too, from the
     * failure of the provider's items it takes.
     */
    void providerBroke(ErrorCode code, String message) {
        if (over) {
            return;
        }
        session.send(new StreamError(streamId, code.code(), message));
        String why = "stream processing failed: the provider's stream ended with " + code.name() + ": " + message;
        end(new StreamEndedException(ErrorCode.STREAM_FAILED.code(), why));
        relay.providerFailed(ErrorCode.STREAM_FAILED.code(), why);
    }

    /**
     * The caller's stream failed with {@code code} (the caller's STREAM_ERROR or STREAM_CANCEL, the
     * node's own error, the caller gone, the feature stopping): the provider is told STREAM_CANCEL
     * for a cancel of its items, STREAM_ERROR {@code code} otherwise.
     */
    void callerFailed(int code, String message) {
        if (over) {
            return;
        }
        if (code == ErrorCode.CANCELLED.code() && received != null && received.open()) {
            session.send(new StreamCancel(streamId));
        } else {
            session.send(new StreamError(streamId, code, message));
        }
        end(new StreamEndedException(code, message));
    }

    /** The caller's stream cancelled the provider's items, as it stops: the provider is told to stop. */
    void receivingCancelled() {
        if (over || received == null || !received.open()) {
            return;
        }
        session.send(new StreamCancel(streamId));
        received.fail(new StreamEndedException(ErrorCode.CANCELLED.code(), "cancelled"));
        closeIfDone();
    }

    /**
     * The provider answered the call (RPC_RESPONSE): what is still open of its stream closes; its
     * items held here still go on to the caller.
     */
    void answered() {
        if (over) {
            return;
        }
        answered = true;
        if (sent != null) {
            sent.stop();
        }
        if (received != null) {
            received.answered();
        }
        closeIfDone();
    }

    /**
     * The call ended without the provider's answer (a cancel, the deadline, the provider
     * withdrawing the service, the feature stopping): the provider, if still there, is told with
     * STREAM_ERROR {@code code} so that its side stops too.
     */
    void closeByCall(int code, String message) {
        if (over) {
            return;
        }
        String why = message == null || message.isEmpty() ? "the call ended" : message;
        if (session.state() != SessionState.CLOSED) {
            session.send(new StreamError(streamId, code, why));
        }
        end(new StreamEndedException(code, why));
    }

    /**
     * The provider's items the node held all went on to the caller, with their end. Once the
     * provider answered too, nothing of the stream is needed any more; before that, the answer
     * still has to come, and with it the final return (6.4.3, rule 5).
     */
    void receivedHandedOn() {
        if (answered) {
            closeIfDone();
        }
    }

    /** The provider's session ended: nothing can be sent to it any more. */
    void providerGone(int code, String message) {
        if (over) {
            return;
        }
        end(new StreamEndedException(code, message));
        relay.providerFailed(code, message);
    }

    private void closeIfDone() {
        boolean receivedDone = received == null || received.finished() || !received.open();
        boolean sentDone = sent == null || sent.endSent() || answered;
        if (receivedDone && sentDone) {
            over = true;
            relays.remove(this);
        }
    }

    private void end(StreamEndedException why) {
        over = true;
        if (sent != null) {
            sent.stop();
        }
        if (received != null) {
            received.fail(why);
        }
        relays.remove(this);
    }

    // ---- for the sides

    /** An item of the provider arrived, of {@code bytes}. */
    void countFromProvider(int bytes) {
        itemsFromProvider++;
        bytesFromProvider += bytes;
    }

    /** An item of the caller went to the provider, of {@code bytes}. */
    void countToProvider(int bytes) {
        itemsToProvider++;
        bytesToProvider += bytes;
    }

    /** An item of the provider goes on to the caller's stream: the call's counters hear of it. */
    void handedToCaller(int bytes) {
        relay.handedToCaller(bytes);
    }

    /** An item of the caller was taken to go on to the provider: the call's counters hear of it. */
    void takenFromCaller(int bytes) {
        relay.takenFromCaller(bytes);
    }

    /** The stream as an operator sees it now; read from any thread, so figures may be a moment old. */
    StreamRow row() {
        Session at = session;
        String state = kept ? "awaiting resume" : answered || (received != null && received.finished()) ? "draining"
                : "open";
        return new StreamRow(streamId, at.id(), at.user() == null ? "" : at.user().name(), relay.method(),
                direction.code(), meter.toString(), sent == null ? -1 : sent.credit(),
                received == null ? -1 : received.credit(), itemsToProvider, bytesToProvider, itemsFromProvider,
                bytesFromProvider, openedAt, relay.forwardedCallId(), state, true, relay.callerStreamId());
    }

    void send(Frame frame) {
        session.send(frame);
    }

    /** The write turns of the provider's connection, which the caller's items toward it take part in. */
    Outbound outbound() {
        return relays.outboundOf(session);
    }

    /** Runs {@code task} on the event loop of the provider's session the stream belongs to when it runs. */
    void onLoop(Runnable task) {
        Session at = session;
        StreamLoop.run(at, () -> {
            if (session == at) {
                task.run();
            } else {
                onLoop(task);
            }
        });
    }

    /**
     * The mark the node grants the provider for a caller on another node in bytes or custom mode:
     * the caller's own, when its node passed it on, else the provider connection's largest frame.
     */
    int otherNodesMark() {
        int mark = relay.otherNodesMark();
        return mark > 0 ? mark : maxFrameSize();
    }

    int maxFrameSize() {
        return session.limits().maxFrameSize();
    }
}
