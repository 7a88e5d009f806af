package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.spi.work.SerialExecutor;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.ReceiverCredit;
import io.aldis.protocol.api.stream.ResumePoint;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The callee's side that receives the caller's items (docs/protocol.md 6.4.3, receiver), as a
 * {@link Flow.Publisher} for one subscriber, the service. Items are handed over only as the
 * subscriber requests them, through the stream's serial executor (the subscriber may block; the
 * event loop must not); an item counts as consumed once {@code onNext} returned, and consumed
 * credit goes back to the caller with STREAM_CREDIT as {@link ReceiverCredit} says. The node holds
 * at most the high-water mark of the caller's items: the credit it handed out caps them.
 *
 * <p>Everything but {@link #subscribe} and the subscription's methods runs on the session's event loop.
 */
final class ItemSink implements Flow.Publisher<byte[]> {
    private final NodeStream stream;
    private final CreditMeter meter;
    private final SerialExecutor service;
    private final ReceiverCredit credit;
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private final AtomicBoolean taken = new AtomicBoolean();
    private Flow.Subscriber<? super byte[]> subscriber;
    private long demand;
    private int handedOver;
    private boolean endReceived;
    private boolean done;
    private Throwable failure;

    ItemSink(NodeStream stream, CreditMeter meter, SerialExecutor service, int highWaterMark) {
        this.stream = stream;
        this.meter = meter;
        this.service = service;
        this.credit = new ReceiverCredit(highWaterMark);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super byte[]> s) {
        if (!taken.compareAndSet(false, true)) {
            service.execute(() -> {
                s.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                s.onError(new IllegalStateException("the items of a stream have one subscriber"));
            });
            return;
        }
        service.execute(() -> s.onSubscribe(new Subscription()));
        stream.onLoop(() -> {
            subscriber = s;
            if (failure != null) {
                Throwable f = failure;
                service.execute(() -> s.onError(f));
                return;
            }
            deliver();
        });
    }

    /** The service's subscription: its calls are taken over to the event loop. */
    private final class Subscription implements Flow.Subscription {
        @Override
        public void request(long n) {
            stream.onLoop(() -> {
                if (done) {
                    return;
                }
                if (n <= 0) {
                    // Reactive Streams rule 3.9: the subscription ends with onError.
                    Flow.Subscriber<? super byte[]> s = subscriber;
                    stream.sinkCancelled();
                    service.execute(() -> s.onError(
                            new IllegalArgumentException("request(" + n + "): a subscriber requests at least 1")));
                    return;
                }
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                deliver();
            });
        }

        @Override
        public void cancel() {
            stream.onLoop(() -> {
                if (!done) {
                    stream.sinkCancelled();
                }
            });
        }
    }

    // ---- on the event loop

    /** A STREAM_DATA of the caller, with {@code last} for the LAST flag. */
    void received(byte[] item, boolean last) {
        if (done) {
            return; // in flight when this side was cancelled
        }
        try {
            credit.received(meter.costOf(item));
        } catch (ProtocolException e) {
            stream.receivedBadItem(e);
            return;
        }
        stream.countReceived(item.length);
        held.add(item);
        if (last) {
            ended();
        } else {
            deliver();
        }
    }

    /** The caller's STREAM_END, or the LAST flag. */
    void ended() {
        if (done) {
            return;
        }
        if (endReceived) {
            stream.protocolError("a second end of the caller's items");
            return;
        }
        endReceived = true;
        credit.endReceived();
        deliver();
    }

    private void deliver() {
        Flow.Subscriber<? super byte[]> s = subscriber;
        if (done || s == null) {
            return;
        }
        while (demand > 0 && !held.isEmpty()) {
            byte[] item = held.poll();
            demand--;
            handedOver++;
            int cost = meter.costOf(item);
            service.execute(() -> {
                try {
                    s.onNext(item);
                } catch (RuntimeException e) {
                    stream.onLoop(() -> stream.serviceFailed(e));
                    return;
                }
                stream.onLoop(() -> consumed(cost));
            });
        }
        if (endReceived && held.isEmpty() && handedOver == 0) {
            done = true;
            service.execute(s::onComplete);
            int last = credit.finalReturn();
            if (last > 0) {
                stream.send(new StreamCredit(stream.streamId(), last));
            }
            stream.sinkEnded();
        }
    }

    private void consumed(int cost) {
        handedOver--;
        if (done) {
            return;
        }
        int grant = credit.consumed(cost);
        if (grant > 0) {
            stream.send(new StreamCredit(stream.streamId(), grant));
        }
        deliver();
    }

    /** The service cancelled: the caller is told to stop with STREAM_CANCEL. */
    void cancel() {
        if (done) {
            return;
        }
        done = true;
        held.clear();
        stream.send(new StreamCancel(stream.streamId()));
    }

    /**
     * The stream ended otherwise (an error, the call's end): the subscriber gets {@code onError}
     * after the items it already has, or as soon as it subscribes.
     */
    void fail(Throwable why) {
        if (done) {
            return;
        }
        done = true;
        held.clear();
        failure = why;
        Flow.Subscriber<? super byte[]> s = subscriber;
        if (s != null) {
            service.execute(() -> s.onError(why));
        }
    }

    /** Whether this side is over: everything consumed, cancelled or failed. */
    boolean done() {
        return done;
    }

    /** Whether this side is still open for the caller's items (not ended, not cancelled, not failed). */
    boolean open() {
        return !done && !endReceived;
    }

    /**
     * Where this side stands for the node's STREAM_RESUME (docs/protocol.md 6.4.7): the items held
     * stay, those lost in the break come again, and the caller's credit restarts from what is held.
     */
    ResumePoint resumePoint() {
        return credit.resumePoint();
    }

    /** The credit handed out to the caller and not yet used. */
    int credit() {
        return credit.handedOut();
    }
}
