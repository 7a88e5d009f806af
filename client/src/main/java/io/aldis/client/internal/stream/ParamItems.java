package io.aldis.client.internal.stream;

import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.ResendBuffer;
import io.aldis.protocol.api.stream.ResumePoint;
import io.aldis.protocol.api.stream.SenderCredit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * The caller's sending side of a streamed parameter (docs/protocol.md 6.4.3): subscribes to the
 * application's publisher and requests from it only what the node's credit covers, sends each
 * item as STREAM_DATA when its cost fits, and STREAM_END after the last. In {@code items} mode it
 * requests as many items as there is credit; in the other modes an item's cost is known only
 * once it is there, so it requests one at a time.
 *
 * <p>Every item sent is kept until the node's returned credit pays for it, so that after a break
 * of the connection the items the node did not get are sent again (docs/protocol.md 6.4.7); the
 * credit window bounds those copies. While the stream waits for the node's STREAM_RESUME nothing
 * is sent, and the publisher is asked for no more than the credit left at the break.
 *
 * <p>Thread-safe: the publisher signals on its own threads while grants arrive on the client's
 * callback thread; frames go out under the lock so that they keep their order, and the publisher
 * is never called under it.
 */
final class ParamItems implements Flow.Subscriber<Object> {
    /** What STREAM_DATA adds to an item on the wire: type, flags and the stream id. */
    private static final int DATA_OVERHEAD = 10;

    /** What the call hears from its streamed parameter. */
    interface Owner {
        /** The parameter's items failed (the publisher, an item's encoding or size): end the stream and the call. */
        void paramFailed(ErrorCode code, String message);

        /** Every item went out, and STREAM_END after them. */
        default void paramEnded() {
        }
    }

    private record Item(byte[] bytes, int cost) {
    }

    private final Flow.Publisher<?> source;
    private final ItemCodec codec;
    private final StreamHost host;
    private final Owner owner;
    private final long streamId;
    private final CreditMeter meter;
    /** What the items are, in messages: "the streamed parameter", "the streamed result". */
    private final String what;

    // guarded by this
    private final SenderCredit credit = new SenderCredit();
    /** Copies of the items sent and not yet paid back by the node's credit. */
    private final ResendBuffer<Item> copies = new ResendBuffer<>();
    private final ArrayDeque<Item> waiting = new ArrayDeque<>();
    private Flow.Subscription upstream;
    private long outstanding;
    private boolean sourceDone;
    private boolean endSent;
    private boolean closed;
    /** The connection broke: nothing goes out until the node's STREAM_RESUME says where to go on. */
    private boolean suspended;

    ParamItems(Flow.Publisher<?> source, ItemCodec codec, StreamHost host, Owner owner, long streamId,
            CreditMeter meter) {
        this(source, codec, host, owner, streamId, meter, "the streamed parameter");
    }

    /** Items named {@code what} in messages, for a callee that streams its result with this class. */
    ParamItems(Flow.Publisher<?> source, ItemCodec codec, StreamHost host, Owner owner, long streamId,
            CreditMeter meter, String what) {
        this.what = what;
        this.source = source;
        this.codec = codec;
        this.host = host;
        this.owner = owner;
        this.streamId = streamId;
        this.meter = meter;
    }

    /** Takes the callee's first grant (STREAM_OPEN's initialCredit) and subscribes to the publisher. */
    void open(int initialCredit) {
        synchronized (this) {
            credit.grant(initialCredit);
        }
        try {
            source.subscribe(this);
        } catch (RuntimeException e) {
            // The publisher broke Reactive Streams rule 1.9 by throwing: it is a failed source.
            onError(e);
        }
    }

    /**
     * Adds a STREAM_CREDIT grant.
     *
     * @throws io.aldis.protocol.api.ProtocolException for a grant above the high-water mark
     */
    void grant(int amount) {
        synchronized (this) {
            if (closed) {
                return;
            }
            credit.grant(amount);
            copies.paidBack(amount);
        }
        pump();
    }

    /** The connection broke and the stream is kept for the session's resume: sending stops. */
    synchronized void suspend() {
        suspended = true;
    }

    /**
     * The node's STREAM_RESUME for these items (docs/protocol.md 6.4.7, step 3): the copies of
     * what it holds go, its credit replaces the count kept here, the items it did not get are sent
     * again ahead of those still waiting, and STREAM_END again when it did not get that either.
     *
     * @throws io.aldis.protocol.api.ProtocolException when the node claims fewer items than it paid
     *         back, or more than were sent, or credit above its high-water mark
     */
    void resumed(ResumePoint point) {
        synchronized (this) {
            if (closed || !suspended) {
                return; // a STREAM_RESUME only answers the client's own, after a break
            }
            List<Item> again = copies.resume(point, credit.highWaterMark());
            credit.resume(point.credit());
            for (int i = again.size() - 1; i >= 0; i--) {
                waiting.addFirst(again.get(i));
            }
            if (endSent && !point.ended()) {
                endSent = false;
            }
            suspended = false;
        }
        pump();
    }

    /** The stream or the call is over (cancel, error, answer): the publisher's subscription is cancelled. */
    void close() {
        Flow.Subscription toCancel;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            waiting.clear();
            toCancel = upstream;
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
    }

    /** Whether every item was sent and STREAM_END too. */
    synchronized boolean ended() {
        return endSent;
    }

    /** Whether every item and the end went out and the node paid every item back (its final return). */
    synchronized boolean drained() {
        return endSent && credit.allPaidBack();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        boolean refuse;
        synchronized (this) {
            refuse = upstream != null || closed;
            if (upstream == null) {
                upstream = subscription;
            }
        }
        if (refuse) {
            subscription.cancel();
            return;
        }
        pump();
    }

    @Override
    public void onNext(Object item) {
        Item encoded;
        try {
            byte[] bytes = codec.encode(item);
            encoded = new Item(bytes, meter.costOf(bytes));
        } catch (Exception e) {
            fail(ErrorCode.STREAM_FAILED, "an item of " + what + " cannot be encoded as JSON ("
                    + (item == null ? "null" : item.getClass().getSimpleName()) + ")");
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            outstanding = Math.max(0, outstanding - 1);
            waiting.add(encoded);
        }
        pump();
    }

    @Override
    public void onError(Throwable error) {
        String why = error == null || error.getMessage() == null ? String.valueOf(error) : error.getMessage();
        fail(ErrorCode.STREAM_FAILED, "the publisher of " + what + " failed: " + why);
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            sourceDone = true;
        }
        pump();
    }

    /** Sends what the credit covers, the end when everything is sent, and asks the publisher for more. */
    private void pump() {
        long request = 0;
        Flow.Subscription requestFrom = null;
        String tooLarge = null;
        ErrorCode code = null;
        boolean endedNow = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            while (!suspended && !waiting.isEmpty()) {
                Item next = waiting.peek();
                SessionInfo session = host.openSession();
                if (session != null && next.bytes().length + DATA_OVERHEAD > session.maxFrameSize()) {
                    code = ErrorCode.MESSAGE_TOO_LARGE;
                    tooLarge = "an item of " + what + " has " + next.bytes().length
                            + " bytes, more than one frame of at most " + session.maxFrameSize()
                            + " bytes (maxFrameSize) holds";
                    break;
                }
                SenderCredit.Verdict verdict = credit.take(next.cost());
                if (verdict == SenderCredit.Verdict.WAIT) {
                    break;
                }
                if (verdict == SenderCredit.Verdict.TOO_LARGE) {
                    code = ErrorCode.STREAM_ITEM_TOO_LARGE;
                    tooLarge = "an item of " + what + " costs " + next.cost() + ", more than half the "
                            + "callee's high-water mark " + credit.highWaterMark() + " allows ("
                            + (credit.highWaterMark() + 1L) / 2 + ")";
                    break;
                }
                waiting.poll();
                host.send(new StreamData(false, streamId, next.bytes()));
                copies.sent(next, next.cost());
            }
            if (tooLarge == null) {
                if (!suspended && waiting.isEmpty() && sourceDone && !endSent) {
                    endSent = true;
                    endedNow = true;
                    host.send(new StreamEnd(streamId));
                }
                if (!sourceDone && upstream != null) {
                    request = wanted();
                    outstanding += request;
                    requestFrom = upstream;
                }
            }
        }
        if (tooLarge != null) {
            fail(code, tooLarge);
        } else if (request > 0) {
            requestFrom.request(request);
        }
        if (endedNow) {
            owner.paramEnded();
        }
    }

    /** How many more items to request now; guarded by this. */
    private long wanted() {
        long left = credit.credit();
        if (meter.mode() == CreditMode.ITEMS) {
            return Math.max(0, left - outstanding - waiting.size());
        }
        return outstanding == 0 && waiting.isEmpty() && left > 0 ? 1 : 0;
    }

    private void fail(ErrorCode code, String message) {
        Flow.Subscription toCancel;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            waiting.clear();
            toCancel = upstream;
        }
        if (toCancel != null) {
            toCancel.cancel();
        }
        owner.paramFailed(code, message);
    }
}
