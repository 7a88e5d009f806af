package io.aldis.feature.streaming.internal.relay;

import io.aldis.feature.streaming.internal.streams.Outbound;
import io.aldis.feature.streaming.internal.streams.ResendBudget;
import io.aldis.feature.streaming.internal.streams.ResendCopies;
import io.aldis.feature.streaming.internal.streams.SizeFunctions;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.CreditWindow;
import io.aldis.protocol.api.stream.ResumePoint;
import io.aldis.protocol.api.stream.SenderCredit;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;

/**
 * The caller's items on their way to the provider (docs/protocol.md 6.4.3, sender; 6.4.8): a
 * subscriber of the caller's stream that asks it only for what the provider's credit covers, so
 * the caller's credit comes back only as items leave for the provider. In {@code items} mode it
 * asks for at most the credit (and at most {@value #MOST_AHEAD} at a time); in the other modes an
 * item's cost is known only once it is there, so it asks for one at a time.
 *
 * <p>Its items and their end go out in the write turns of the provider's connection, which it
 * shares fairly with the node's own streams there.
 *
 * <p>It keeps copies of the items the provider has not paid back, as the node's own streams do,
 * so that a provider that resumes its session gets again what the break lost (docs/protocol.md
 * 6.4.7); while the stream waits for that, nothing is sent.
 *
 * <p>The caller's stream signals on its own threads; everything is taken over to the provider's
 * event loop.
 */
final class ItemsToProvider implements Flow.Subscriber<byte[]>, Outbound.Sender {
    /** The most items asked of the caller's stream ahead of sending them, in {@code items} mode. */
    static final int MOST_AHEAD = 64;
    /** What STREAM_DATA adds to an item on the wire: type, flags and the stream id. */
    private static final int DATA_OVERHEAD = 10;

    private final ProviderStream stream;
    private final CreditMeter meter;
    private final SenderCredit credit = new SenderCredit();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    /** Copies of the items sent and not yet paid back; null when the provider's session cannot be resumed. */
    private final ResendCopies copies;
    /** The provider's connection broke: nothing goes out until its resumed session's STREAM_RESUME. */
    private boolean suspended;
    private Flow.Subscription upstream;
    private long asked;
    private boolean completed;
    private boolean endSent;
    private boolean stopped;

    /** @param budget where copies for a resumed session are counted; null when the provider's session cannot be resumed */
    ItemsToProvider(ProviderStream stream, CreditMeter meter, int initialCredit, ResendBudget budget) {
        this.stream = stream;
        this.meter = meter;
        this.copies = budget == null ? null : new ResendCopies(budget);
        credit.grant(initialCredit);
    }

    // ---- the caller's stream's signals, on its threads

    @Override
    public void onSubscribe(Flow.Subscription s) {
        stream.onLoop(() -> {
            if (stopped || upstream != null) {
                s.cancel();
                return;
            }
            upstream = s;
            askForMore();
        });
    }

    @Override
    public void onNext(byte[] item) {
        stream.onLoop(() -> {
            if (stopped) {
                return;
            }
            asked = Math.max(0, asked - 1);
            stream.takenFromCaller(item.length);
            pending.add(item);
            pump();
        });
    }

    @Override
    public void onError(Throwable failure) {
        // The caller's stream ended otherwise; the relay has heard of it and ends both streams.
        stream.onLoop(() -> pending.clear());
    }

    @Override
    public void onComplete() {
        stream.onLoop(() -> {
            if (!stopped) {
                completed = true;
                pump();
            }
        });
    }

    // ---- on the provider's event loop

    /** A STREAM_CREDIT of the provider. */
    void granted(int amount) {
        if (stopped) {
            return;
        }
        try {
            credit.grant(amount);
        } catch (ProtocolException e) {
            stream.providerBroke(e.code(), e.getMessage());
            return;
        }
        if (copies != null) {
            copies.paidBack(amount);
        }
        pump();
    }

    /** Items or the end may go now: they take their place in the provider's connection's write turns. */
    private void pump() {
        if (!suspended && !stopped) {
            stream.outbound().ready(this);
        }
        askForMore();
    }

    /** In a write turn of the provider's connection: sends the next item, or the end, when the credit allows. */
    @Override
    public int sendOne() {
        if (suspended || stopped) {
            return 0;
        }
        byte[] item = pending.peek();
        if (item == null) {
            if (completed && !endSent) {
                endSent = true;
                stream.outbound().send(new StreamEnd(stream.streamId()));
                return DATA_OVERHEAD;
            }
            return 0;
        }
        int maxFrame = stream.maxFrameSize();
        if (item.length + DATA_OVERHEAD > maxFrame) {
            stream.providerBroke(ErrorCode.MESSAGE_TOO_LARGE, "an item of " + item.length
                    + " bytes does not fit in one frame of at most " + maxFrame + " bytes (the provider's maxFrameSize)");
            return 0;
        }
        int cost;
        try {
            cost = meter.costOf(item);
        } catch (RuntimeException e) {
            stream.providerBroke(ErrorCode.STREAM_FAILED, SizeFunctions.failedOnAnItem(meter, e));
            return 0;
        }
        SenderCredit.Verdict verdict = credit.take(cost);
        if (verdict == SenderCredit.Verdict.WAIT) {
            return 0;
        }
        if (verdict == SenderCredit.Verdict.TOO_LARGE) {
            CreditWindow window = new CreditWindow(credit.highWaterMark());
            stream.providerBroke(ErrorCode.STREAM_ITEM_TOO_LARGE, "an item costing " + cost
                    + " is more than half the provider's high-water mark " + window.highWaterMark()
                    + " allows (" + window.largestItemCost() + ")");
            return 0;
        }
        pending.poll();
        stream.outbound().send(new StreamData(false, stream.streamId(), item));
        stream.countToProvider(item.length);
        if (copies != null) {
            copies.sent(item, cost);
        }
        askForMore();
        return item.length + DATA_OVERHEAD;
    }

    private void askForMore() {
        if (upstream == null || stopped || completed) {
            return;
        }
        long want;
        if (meter.mode() == CreditMode.ITEMS) {
            want = Math.min(credit.credit(), MOST_AHEAD) - pending.size() - asked;
        } else {
            want = pending.isEmpty() && asked == 0 ? 1 : 0;
        }
        if (want > 0) {
            asked += want;
            upstream.request(want);
        }
    }

    /** The provider cancelled the caller's items (STREAM_CANCEL): the caller's stream is told to stop them. */
    void cancelledByProvider() {
        stop();
    }

    /** No more items go to the provider; the caller's stream is cancelled unless its items ended already. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        pending.clear();
        stream.outbound().remove(this);
        if (copies != null) {
            copies.giveUp();
        }
        if (upstream != null && !completed) {
            upstream.cancel();
        }
    }

    /** Whether a resumed provider can still have these items: the copies of what it lacks are kept. */
    boolean resumable() {
        return copies != null && copies.keeping();
    }

    /** The provider's connection broke and the stream is kept for its resumed session: nothing goes out. */
    void suspend() {
        suspended = true;
    }

    /**
     * The resumed provider's STREAM_RESUME (docs/protocol.md 6.4.7, step 3): the items it did not
     * get go again, first and in order, within the credit it gives now; so does the end.
     *
     * @throws ProtocolException with {@code PROTOCOL_ERROR} when the provider's count or credit cannot be right
     */
    void resume(ResumePoint point) {
        if (stopped) {
            return; // the caller's items ended otherwise meanwhile: the stream's end tells the provider
        }
        credit.resume(point.credit());
        copies.resendFirst(point, credit.highWaterMark(), pending);
        if (endSent && !point.ended()) {
            endSent = false;
            completed = true;
        }
        suspended = false;
        pump();
    }

    /** Whether every item and the end went to the provider. */
    boolean endSent() {
        return endSent;
    }

    /** The credit left now. */
    int credit() {
        return credit.credit();
    }
}
