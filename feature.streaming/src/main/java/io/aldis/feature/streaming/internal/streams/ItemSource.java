package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.spi.work.SerialExecutor;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.CreditWindow;
import io.aldis.protocol.api.stream.ResumePoint;
import io.aldis.protocol.api.stream.SenderCredit;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The callee's side that sends items (docs/protocol.md 6.4.3, sender): subscribes to the service's
 * publisher and asks it only for what the caller's credit covers. In {@code items} mode that is the
 * credit itself (at most {@value #MOST_AHEAD} items at a time, so a connection that cannot write
 * does not collect them); in {@code bytes} and {@code custom} mode an item's cost is known only once
 * it is there, so it asks for one at a time, and again as each arrives while the credit still
 * covers all that arrived: it holds at most one item beyond the credit.
 *
 * <p>The publisher's signals may come on any thread; they are taken over to the session's event
 * loop, where everything else of this class runs. Requests go through {@link PromptCalls}: on
 * the event loop while the publisher answers promptly, otherwise on the stream's serial executor,
 * where a cancel always goes, so that it comes after whatever the stream's end does on the loop.
 */
final class ItemSource implements Flow.Subscriber<byte[]>, Outbound.Sender {
    /** The most items asked of the publisher ahead of sending them, in {@code items} mode. */
    static final int MOST_AHEAD = 64;
    /** What STREAM_DATA adds to an item on the wire: type, flags and the stream id. */
    private static final int DATA_OVERHEAD = 10;

    private final NodeStream stream;
    private final CreditMeter meter;
    /** Where the service's publisher is cancelled. */
    private final SerialExecutor service;
    /** Where the service's publisher is asked for items: see {@link PromptCalls}. */
    private final Executor requests;
    private final SenderCredit credit = new SenderCredit();
    /** Copies of the items sent and not yet paid back, for a resumed session; null when the session cannot be resumed. */
    private final ResendCopies copies;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    /** Items the publisher gave, not yet taken over by the event loop; see {@link #onNext}. */
    private final Queue<byte[]> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean takeScheduled = new AtomicBoolean();
    private Flow.Subscription subscription;
    /** Items asked of the publisher and not yet arrived; raised on the publisher's side too, in bytes and custom mode. */
    private final AtomicLong asked = new AtomicLong();
    /**
     * In {@code bytes} and {@code custom} mode: the credit granted that the items which arrived do
     * not yet spend, and whether one item is asked and not yet there. Guarded by {@code this}, with
     * {@link #arrived}'s additions in those modes, so that a resume can count what is on its way.
     */
    private long headroom;
    private boolean producing;
    /** Set once the items stop or end, for the publisher's side, which asks on its own. */
    private volatile boolean halted;
    private boolean completed;
    /** The publisher's failure, for the STREAM_ERROR that goes once the items it gave before went out. */
    private Throwable failure;
    private boolean endSent;
    private boolean stopped;

    /** @param budget where copies for a resumed session are counted; null when the session cannot be resumed */
    ItemSource(NodeStream stream, CreditMeter meter, SerialExecutor service, Executor requests,
            ResendBudget budget) {
        this.stream = stream;
        this.meter = meter;
        this.service = service;
        this.requests = requests;
        this.copies = budget == null ? null : new ResendCopies(budget);
    }

    // ---- the publisher's signals, on its threads

    @Override
    public void onSubscribe(Flow.Subscription s) {
        stream.onLoop(() -> {
            if (stopped || subscription != null) {
                service.execute(s::cancel);
                return;
            }
            subscription = s;
            askForMore();
        });
    }

    /**
     * Items wait here on their way to the event loop, which takes all that arrived in one task: a
     * publisher that gives the items asked for one after the other, as most do within
     * {@code request(n)}, then costs the loop one task and one wake-up per batch instead of per item.
     */
    @Override
    public void onNext(byte[] item) {
        boolean askAgain = false;
        if (meter.mode() == CreditMode.ITEMS) {
            arrived.add(item);
        } else {
            askAgain = arrivedWithinCredit(item);
        }
        if (takeScheduled.compareAndSet(false, true)) {
            stream.onLoop(this::takeArrived);
        }
        if (askAgain) {
            // From here, not from the loop: inside the publisher's own request (the serial
            // executor's task) this runs right after it, so items within the credit come one after
            // the other with no hand-over to the loop and back for each.
            requestOne();
        }
    }

    /**
     * Counts an item that arrived against the credit in {@code bytes} or {@code custom} mode;
     * whether the credit still covers every item that arrived, so the next may be asked for now.
     */
    private boolean arrivedWithinCredit(byte[] item) {
        int cost = costForAsking(item);
        synchronized (this) {
            arrived.add(item);
            headroom -= cost;
            producing = headroom > 0 && !halted;
            if (producing) {
                asked.incrementAndGet();
            }
            return producing;
        }
    }

    /** An item's cost as far as asking for more goes: a size function that fails counts as spending all the credit. */
    private int costForAsking(byte[] item) {
        try {
            return meter.costOf(item);
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE; // the loop meets it again when it sends the item, and fails the stream
        }
    }

    private void requestOne() {
        Flow.Subscription s = subscription;
        requests.execute(() -> {
            try {
                s.request(1);
            } catch (RuntimeException e) {
                stream.onLoop(() -> stream.serviceFailed(e));
            }
        });
    }

    /**
     * On the loop. The flag goes down before the queue is read, so an item added meanwhile is either
     * taken here or schedules a task of its own; either way it comes before any end the publisher
     * signals after it, as that end's task is queued behind.
     */
    private void takeArrived() {
        takeScheduled.set(false);
        byte[] item;
        boolean took = false;
        while ((item = arrived.poll()) != null) {
            if (stopped) {
                continue;
            }
            if (asked.get() == 0) {
                // Flow forbids it, and taking it would let a publisher fill the node past the credit.
                stream.fail(ErrorCode.STREAM_FAILED.code(),
                        "stream processing failed: the service sent an item it was not asked for", true);
                continue;
            }
            asked.decrementAndGet();
            pending.add(item);
            took = true;
        }
        if (took) {
            stream.readyToSend();
        }
    }

    @Override
    public void onError(Throwable failure) {
        stream.onLoop(() -> {
            if (!stopped && this.failure == null && !completed) {
                // Items the publisher gave before it failed go first, as its end would follow them.
                this.failure = failure;
                stream.readyToSend();
            }
        });
    }

    @Override
    public void onComplete() {
        stream.onLoop(() -> {
            if (!stopped) {
                completed = true;
                stream.readyToSend();
            }
        });
    }

    // ---- on the event loop

    /** A STREAM_CREDIT of the caller; the first is its high-water mark. */
    void granted(int amount) {
        boolean returned = credit.granted();
        credit.grant(amount);
        if (returned && copies != null) {
            copies.paidBack(amount);
        }
        if (meter.mode() != CreditMode.ITEMS) {
            synchronized (this) {
                headroom += amount;
            }
        }
        askForMore();
        if (!pending.isEmpty() || completed || failure != null) {
            stream.readyToSend();
        }
    }

    @Override
    public int sendOne() {
        if (stopped || endSent) {
            return 0;
        }
        byte[] item = pending.peek();
        if (item != null) {
            int maxFrame = stream.maxFrameSize();
            if (item.length + DATA_OVERHEAD > maxFrame) {
                // It cannot go in one frame, and a frame above the limit would cost the caller its connection.
                stream.fail(ErrorCode.MESSAGE_TOO_LARGE.code(), "an item of " + item.length
                        + " bytes does not fit in one frame of at most " + maxFrame + " bytes (maxFrameSize)", true);
                return 0;
            }
            int cost;
            try {
                cost = meter.costOf(item);
            } catch (RuntimeException e) {
                stream.fail(ErrorCode.STREAM_FAILED.code(), SizeFunctions.failedOnAnItem(meter, e), true);
                return 0;
            }
            switch (credit.take(cost)) {
                case WAIT:
                    return 0;
                case TOO_LARGE:
                    CreditWindow window = new CreditWindow(credit.highWaterMark());
                    stream.fail(ErrorCode.STREAM_ITEM_TOO_LARGE.code(), "an item costing " + cost
                            + " is more than half the caller's high-water mark " + window.highWaterMark()
                            + " allows (" + window.largestItemCost() + ")", true);
                    return 0;
                default:
                    break;
            }
            pending.poll();
            boolean last = completed && pending.isEmpty();
            stream.send(new StreamData(last, stream.streamId(), item));
            if (copies != null) {
                copies.sent(item, cost);
            }
            stream.countSent(item.length);
            if (last) {
                endSent = true;
                stream.sourceEnded();
            } else {
                askForMore();
            }
            return item.length + DATA_OVERHEAD;
        }
        if (failure != null) {
            stream.serviceFailed(failure);
            return DATA_OVERHEAD;
        }
        if (completed) {
            stream.send(new StreamEnd(stream.streamId()));
            endSent = true;
            stream.sourceEnded();
            return DATA_OVERHEAD;
        }
        return 0;
    }

    private void askForMore() {
        if (subscription == null || stopped || completed || failure != null || !credit.granted()) {
            return;
        }
        if (meter.mode() != CreditMode.ITEMS) {
            synchronized (this) {
                if (producing || headroom <= 0) {
                    return; // the item asked for asks for the next itself, or the credit is spoken for
                }
                producing = true;
                asked.incrementAndGet();
            }
            requestOne();
            return;
        }
        long want = Math.min(credit.credit(), MOST_AHEAD) - pending.size() - asked.get();
        if (want > 0) {
            asked.addAndGet(want);
            Flow.Subscription s = subscription;
            long n = want;
            requests.execute(() -> {
                try {
                    s.request(n);
                } catch (RuntimeException e) {
                    stream.onLoop(() -> stream.serviceFailed(e));
                }
            });
        }
    }

    /** The items stop (a cancel, an error, the call's end): the publisher is cancelled and nothing more is sent. */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        halted = true;
        pending.clear();
        arrived.clear();
        if (subscription != null) {
            service.execute(subscription::cancel);
        }
    }

    /**
     * The caller's STREAM_RESUME after a session resume (docs/protocol.md 6.4.7, step 3): the
     * items it did not get go again, first and in order, within the credit it gives now; so does
     * the end, when it went out before and the caller did not get it.
     *
     * @throws ProtocolException with {@code PROTOCOL_ERROR} when the caller's count or credit
     *         cannot be right
     */
    void resume(ResumePoint point) {
        credit.resume(point.credit());
        copies.resendFirst(point, credit.highWaterMark(), pending);
        if (meter.mode() != CreditMode.ITEMS) {
            synchronized (this) {
                // The credit starts again from what the caller gives now, less what waits to go.
                long waiting = 0;
                for (byte[] item : pending) {
                    waiting += costForAsking(item);
                }
                for (byte[] item : arrived) {
                    waiting += costForAsking(item);
                }
                headroom = credit.credit() - waiting;
            }
        }
        if (endSent && !point.ended()) {
            endSent = false;
            completed = true;
        }
        // The credit may have run out before the break with nothing asked of the service since:
        // the resumed credit is the only grant that comes, so it must ask now.
        askForMore();
    }

    /** Whether a resumed session can still have this side: it keeps the copies of what the caller lacks. */
    boolean resumable() {
        return copies != null && copies.keeping();
    }

    /** The stream is over: the copies go. */
    void dropCopies() {
        if (copies != null) {
            copies.giveUp();
        }
    }

    /** Whether every item sent was paid back: after the end, the caller consumed them all. */
    boolean allPaidBack() {
        return credit.allPaidBack();
    }

    /** Whether the end of the items went out. */
    boolean endSent() {
        return endSent;
    }

    /** Whether the caller's first grant came. */
    boolean granted() {
        return credit.granted();
    }

    /** The caller's high-water mark, its first grant; 0 before it came. */
    int highWaterMark() {
        return credit.highWaterMark();
    }

    /** The credit left now. */
    int credit() {
        return credit.credit();
    }
}
