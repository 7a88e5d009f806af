package io.aldis.client.internal.stream;

import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.stream.ReceiverCredit;
import io.aldis.protocol.api.stream.ResumePoint;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The caller's receiving side of a streamed result, and the {@link Flow.Subscription} its
 * subscriber holds (docs/protocol.md 6.4.3). Items wait here until the subscriber requests them,
 * never more than the high-water mark because the node sends only what the credit covers; an item
 * counts as consumed once {@code onNext} returned, and consumed credit goes back at half the
 * high-water mark. The final return, and {@code onComplete}, wait for the call's answer too.
 *
 * <p>The same subscription publishes a batched result, the items of one JSON array, without credit.
 *
 * <p>Thread-safe: items arrive on the client's callback thread while the subscriber requests and
 * cancels on its own; signals to the subscriber never overlap, and never run under the lock. What
 * arrives may be delivered on an executor of the stream's own rather than on the callback thread,
 * so that the answers of other calls, and other streams, do not wait behind this subscriber's
 * {@code onNext}.
 *
 * <p>A result stream of the client's own call keeps to an eighth of its high-water mark while the
 * client waits for answers on the connection ({@link StreamHost#sharingConnection()},
 * docs/protocol.md 6.4.3 rule 7), so that those answers wait behind less of the stream.
 */
final class ResultItems implements Flow.Subscription {
    private static final System.Logger LOG = System.getLogger(ResultItems.class.getName());
    /** The share of the high-water mark a stream keeps to while the connection is shared: 1 / this. */
    private static final int SHARE_DIVISOR = 8;
    /**
     * How long a stream under a share may receive nothing, with every item consumed, before this
     * side stops sharing it until its next item: the node may be waiting to send an item larger
     * than the share allows (docs/protocol.md 6.4.3, rule 7), while calls keep the client sharing.
     */
    static final long STALL_MILLIS = 20;

    /** What the call hears from its result's subscription. */
    interface Owner {
        /** The subscriber cancelled (or broke the rules): the call is to be cancelled. */
        void subscriberCancelled();

        /** An item could not be decoded: the call is to be cancelled, the subscriber has been failed. */
        void itemUnreadable();
    }

    private record Held(byte[] item, int cost) {
    }

    private final Flow.Subscriber<Object> subscriber;
    private final ItemCodec codec;
    private final StreamHost host;
    private final Owner owner;
    /** Where the subscriber is signalled when something arrives. */
    private final Executor delivery;
    /** Whether this stream keeps to a share of its window while the client waits for answers. */
    private final boolean shares;
    private final AtomicInteger wip = new AtomicInteger();

    // guarded by this
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private long demand;
    private boolean cancelled;
    private boolean done;
    private Throwable failure;
    /** Whether the failure goes to the subscriber before the items held (the subscriber's own fault). */
    private boolean failNow;
    /** No item comes any more: the items ended, came as a batch, or the answer closed the stream. */
    private boolean complete;
    private boolean answered;
    private ReceiverCredit credit;
    private long streamId;
    private boolean ended;
    /** Whether consumed credit still goes back to the node: the stream is open or draining. */
    private boolean returning;
    private long delivered;
    /** The connection broke and the stream waits for the session's resume: no credit goes back until then. */
    private boolean suspended;
    /**
     * Credit that consuming the last item made due before the call's answer: it is the final return,
     * which a caller holds back for the answer (docs/protocol.md 6.4.3, rule 5).
     */
    private int heldBackReturn;
    /** The share is off for this stream until its next item: it received nothing for a while under it. */
    private boolean shareOff;
    private boolean stallCheckPending;

    /** Signals the subscriber on the thread that hands in what arrived. */
    ResultItems(Flow.Subscriber<?> subscriber, ItemCodec codec, StreamHost host, Owner owner) {
        this(subscriber, codec, host, owner, Runnable::run);
    }

    /** Signals the subscriber on {@code delivery} (or on its own thread when it requests). */
    ResultItems(Flow.Subscriber<?> subscriber, ItemCodec codec, StreamHost host, Owner owner, Executor delivery) {
        this(subscriber, codec, host, owner, delivery, false);
    }

    /**
     * Signals the subscriber on {@code delivery}; with {@code shares}, keeps to a share of the
     * window while the client waits for answers on the connection.
     */
    @SuppressWarnings("unchecked")
    ResultItems(Flow.Subscriber<?> subscriber, ItemCodec codec, StreamHost host, Owner owner, Executor delivery,
            boolean shares) {
        this.shares = shares;
        this.subscriber = (Flow.Subscriber<Object>) subscriber;
        this.codec = codec;
        this.host = host;
        this.owner = owner;
        this.delivery = delivery;
    }

    /** The stream opened with this side's high-water mark, which the caller grants with STREAM_CREDIT. */
    synchronized void open(long streamId, int highWaterMark) {
        this.streamId = streamId;
        this.credit = new ReceiverCredit(highWaterMark);
        this.returning = true;
    }

    /**
     * An item arrived on the stream.
     *
     * @throws io.aldis.protocol.api.ProtocolException the node's error, for the STREAM_ERROR that answers it
     */
    void received(byte[] item, int cost, boolean last) {
        arrived(item, cost, last);
        deliver();
    }

    /**
     * An item arrived on the stream; it goes to the subscriber with {@link #deliverReceived}, once
     * the frames read with it were dispatched.
     *
     * @throws io.aldis.protocol.api.ProtocolException the node's error, for the STREAM_ERROR that answers it
     */
    void arrived(byte[] item, int cost, boolean last) {
        synchronized (this) {
            if (credit == null || complete || cancelled || done) {
                return; // crossed a cancel or the call's answer: dropped
            }
            credit.received(cost);
            shareOff = false; // with this item counted, the share fits it from now on
            held.add(new Held(item, cost));
            if (last) {
                ended = true;
                complete = true;
                credit.endReceived();
            }
        }
    }

    /** Delivers the items received since the last time (and whatever else is due). */
    void deliverReceived() {
        deliver();
    }

    /** STREAM_END arrived. */
    void endReceived() {
        synchronized (this) {
            if (credit == null || ended) {
                return;
            }
            ended = true;
            complete = true;
            credit.endReceived();
        }
        deliver();
    }

    /** The items of a batched result, delivered as requested and then completed. */
    void batch(List<byte[]> items) {
        synchronized (this) {
            for (byte[] item : items) {
                held.add(new Held(item, 0));
            }
            complete = true;
            answered = true;
        }
        deliver();
    }

    /**
     * The call's answer arrived: a stream still open closes (later items are dropped), one that
     * ended finishes with the final return; the subscriber completes after the items it holds.
     */
    void answered() {
        synchronized (this) {
            answered = true;
            complete = true;
            if (!ended) {
                returning = false;
            }
        }
        deliver();
    }

    /** The stream ended by cancel or error: no more credit goes back. */
    synchronized void streamClosed() {
        returning = false;
    }

    /**
     * The connection broke and the stream is kept for the session's resume: the subscriber goes on
     * with the items held, but the credit it frees waits for {@link #resume}, which returns it.
     */
    synchronized void suspend() {
        suspended = true;
    }

    /**
     * The session was resumed: sends this side's STREAM_RESUME (docs/protocol.md 6.4.7), under the
     * lock so that no STREAM_CREDIT of the subscriber goes out before it. The credit consumed and
     * not returned, the held-back final return too, is returned by the frame itself.
     */
    synchronized void resume(long stream) {
        ResumePoint point = credit.resumePoint();
        suspended = false;
        heldBackReturn = 0;
        host.send(point.toFrame(stream));
    }

    /**
     * Fails the subscriber after the items that arrived before the failure and that it has already
     * requested (docs/protocol.md 5.6, STREAM_ERROR); the error does not wait for more demand, and
     * items beyond it are dropped. No credit goes back any more.
     */
    void fail(Throwable error) {
        fail(error, false);
    }

    /** Fails the subscriber at once, dropping the items held: for a fault of the subscriber or of an item. */
    private void failNow(Throwable error) {
        fail(error, true);
    }

    private void fail(Throwable error, boolean now) {
        synchronized (this) {
            if (failure == null) {
                failure = error;
                failNow = now;
            }
            returning = false;
        }
        deliver();
    }

    /** Whether the subscriber was given any item. */
    synchronized boolean deliveredAny() {
        return delivered > 0;
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            failNow(new IllegalArgumentException("request(" + n + "): a subscriber must request at least one item"));
            owner.subscriberCancelled();
            return;
        }
        synchronized (this) {
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
        drain();
    }

    @Override
    public void cancel() {
        synchronized (this) {
            if (cancelled || done) {
                return;
            }
            cancelled = true;
            returning = false;
            held.clear();
        }
        owner.subscriberCancelled();
    }

    /**
     * Delivers on the stream's executor what the client received; a thread already delivering
     * (the subscriber's own, in {@code request}) takes it instead.
     */
    private void deliver() {
        if (wip.getAndIncrement() == 0) {
            delivery.execute(this::drainMissed);
        }
    }

    /**
     * Holds every delivery back, the end and errors included, until {@link #releaseDeliveries}:
     * for a subscriber that is handed this subscription after items may already reach it, so that
     * nothing is signalled before its {@code onSubscribe} returned (Reactive Streams rule 1.9).
     */
    void holdDeliveries() {
        wip.incrementAndGet();
    }

    /** Ends {@link #holdDeliveries}: what arrived or was asked for meanwhile goes out on the delivery executor. */
    void releaseDeliveries() {
        delivery.execute(this::drainMissed);
    }

    /** Delivers what is held and requested, then the end; one thread at a time, never under the lock. */
    private void drain() {
        if (wip.getAndIncrement() == 0) {
            drainMissed();
        }
    }

    /** The delivering thread's loop, until no other thread asked for a delivery meanwhile. */
    private void drainMissed() {
        int missed = 1;
        do {
            while (deliverOne()) {
                // until nothing more can go now
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private boolean deliverOne() {
        Held next = null;
        Throwable error = null;
        boolean completeNow = false;
        int finalReturn = 0;
        synchronized (this) {
            if (cancelled || done) {
                held.clear();
                return false;
            }
            if (failure != null && (failNow || held.isEmpty() || demand == 0)) {
                done = true;
                held.clear();
                error = failure;
            } else if (!held.isEmpty() && demand > 0) {
                next = held.poll();
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
            } else if (failure == null && held.isEmpty() && complete && answered) {
                done = true;
                completeNow = true;
                if (credit != null && ended && returning) {
                    finalReturn = credit.finalReturn() + heldBackReturn;
                    heldBackReturn = 0;
                }
            } else {
                return false;
            }
        }
        if (error != null) {
            subscriber.onError(error);
            return false;
        }
        if (completeNow) {
            if (finalReturn > 0) {
                host.send(new StreamCredit(streamId, finalReturn));
            }
            subscriber.onComplete();
            return false;
        }
        Object value;
        try {
            value = codec.decode(next.item());
        } catch (Exception e) {
            failNow(new RpcCallException(ErrorCode.SERVICE_ERROR.code(), "an item of the stream cannot be read as "
                    + codec.typeName(), "", e));
            owner.itemUnreadable();
            return true;
        }
        if (value == null) {
            // A Flow.Subscriber must refuse null items (Reactive Streams rule 2.13).
            failNow(new RpcCallException(ErrorCode.SERVICE_ERROR, "the stream carried a null item, which a "
                    + "Flow.Publisher cannot pass on"));
            owner.itemUnreadable();
            return true;
        }
        try {
            subscriber.onNext(value);
        } catch (RuntimeException e) {
            // The subscriber broke Reactive Streams rule 2.13; it is treated as having cancelled.
            LOG.log(System.Logger.Level.WARNING, "a stream's subscriber threw from onNext; the call is cancelled", e);
            cancel();
            return false;
        }
        synchronized (this) {
            delivered++;
            if (credit != null && next.cost() > 0 && returning) {
                int giveBack = credit.share(share()) + credit.consumed(next.cost());
                giveBack(giveBack);
                watchForStall();
            }
        }
        return true;
    }

    /**
     * The client stopped sharing its connection: what the share held back and rule 3 makes due goes
     * back now, as the stream may wait for it (an item larger than those before).
     */
    void shareLifted() {
        synchronized (this) {
            if (credit != null && returning) {
                giveBack(credit.share(share()));
            }
        }
    }

    /** The share of the window this stream keeps to now, 0 for none. */
    private int share() {
        return shares && !shareOff && host.sharingConnection()
                ? Math.max(1, credit.window().highWaterMark() / SHARE_DIVISOR) : 0;
    }

    /**
     * Under a share, checks after {@link #STALL_MILLIS} whether the stream still moves; under the
     * lock. A sender that waits for more credit than the share gives (an item larger than any
     * before) would otherwise wait for as long as calls keep the client sharing.
     */
    private void watchForStall() {
        if (stallCheckPending || ended || share() == 0) {
            return; // after the end nothing more is sent: no item can wait for credit
        }
        stallCheckPending = true;
        long seen = credit.receivedItems();
        if (host.schedule(() -> stallCheck(seen), STALL_MILLIS) == null) {
            stallCheckPending = false; // the client is closed
        }
    }

    private void stallCheck(long seen) {
        synchronized (this) {
            stallCheckPending = false;
            if (credit == null || !returning || share() == 0) {
                return;
            }
            if (credit.receivedItems() != seen) {
                watchForStall(); // items came: the stream moves
                return;
            }
            if (credit.outstanding() != credit.handedOut()) {
                return; // items wait for the subscriber; its next consumption watches again
            }
            shareOff = true;
            giveBack(credit.share(0));
        }
    }

    /** Sends credit that became due, or holds it back as the final return (rule 5); under the lock. */
    private void giveBack(int giveBack) {
        if (giveBack > 0 && !answered && credit.drained()) {
            heldBackReturn += giveBack;
        } else if (giveBack > 0 && !suspended) {
            // Under the lock, so that it cannot follow a STREAM_RESUME that already counted it.
            host.send(new StreamCredit(streamId, giveBack));
        }
    }
}
