package io.aldis.feature.streaming.internal.relay;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.CreditWindow;
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
 * <p>The caller's stream signals on its own threads; everything is taken over to the provider's
 * event loop.
 */
final class ItemsToProvider implements Flow.Subscriber<byte[]> {
    /** The most items asked of the caller's stream ahead of sending them, in {@code items} mode. */
    static final int MOST_AHEAD = 64;
    /** What STREAM_DATA adds to an item on the wire: type, flags and the stream id. */
    private static final int DATA_OVERHEAD = 10;

    private final ProviderStream stream;
    private final CreditMeter meter;
    private final SenderCredit credit = new SenderCredit();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private Flow.Subscription upstream;
    private long asked;
    private boolean completed;
    private boolean endSent;
    private boolean stopped;

    ItemsToProvider(ProviderStream stream, CreditMeter meter, int initialCredit) {
        this.stream = stream;
        this.meter = meter;
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
        pump();
    }

    private void pump() {
        while (!stopped && !pending.isEmpty()) {
            byte[] item = pending.peek();
            int maxFrame = stream.maxFrameSize();
            if (item.length + DATA_OVERHEAD > maxFrame) {
                stream.providerBroke(ErrorCode.MESSAGE_TOO_LARGE, "an item of " + item.length
                        + " bytes does not fit in one frame of at most " + maxFrame
                        + " bytes (the provider's maxFrameSize)");
                return;
            }
            int cost = meter.costOf(item);
            SenderCredit.Verdict verdict = credit.take(cost);
            if (verdict == SenderCredit.Verdict.WAIT) {
                break;
            }
            if (verdict == SenderCredit.Verdict.TOO_LARGE) {
                CreditWindow window = new CreditWindow(credit.highWaterMark());
                stream.providerBroke(ErrorCode.STREAM_ITEM_TOO_LARGE, "an item costing " + cost
                        + " is more than half the provider's high-water mark " + window.highWaterMark()
                        + " allows (" + window.largestItemCost() + ")");
                return;
            }
            pending.poll();
            stream.send(new StreamData(false, stream.streamId(), item));
        }
        if (stopped) {
            return;
        }
        if (pending.isEmpty() && completed && !endSent) {
            endSent = true;
            stream.send(new StreamEnd(stream.streamId()));
            return;
        }
        askForMore();
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
        if (upstream != null && !completed) {
            upstream.cancel();
        }
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
