package io.aldis.feature.streaming.internal.relay;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.ReceiverCredit;
import io.aldis.protocol.api.stream.ResumePoint;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.function.IntSupplier;

/**
 * The provider's items as the node receives them (docs/protocol.md 6.4.3, receiver; 6.4.8), as a
 * publisher for one subscriber: the caller's stream, which requests only what the caller's
 * credit covers. The node grants the provider the caller's own high-water mark, once the caller
 * granted it, so it never holds more of the provider's items than the caller could; an item
 * counts as consumed once it was handed on, and consumed credit goes back to the provider as the
 * protocol says. The final return waits for the provider's answer, as a caller's does.
 *
 * <p>When the caller is on another node ({@link Relay#OTHER_NODE}) and credit is in {@code items},
 * the node grants the provider only what that node asked for: the first request is the first
 * grant, and consumed credit goes back to the provider only as further requests come, so the
 * provider never sends more items than the caller granted. In {@code bytes} and {@code custom}
 * mode an item's cost is not known before it comes, and the node grants the provider the caller's
 * high-water mark, which the caller's node passes on with its first credit, returned as the items
 * go on; so an item fits the provider's credit only if it fits the caller's. A caller's node of an
 * older version does not pass it on: the window is then the provider connection's largest frame
 * in the stream's unit.
 *
 * <p>Everything runs on the provider's event loop; the subscriber's signals go out from there,
 * and it takes them over to its own loop without blocking.
 */
final class ProviderItems implements Flow.Publisher<byte[]> {
    private final ProviderStream stream;
    private final CreditMeter meter;
    private final IntSupplier callerHighWaterMark;
    private final ArrayDeque<byte[]> held = new ArrayDeque<>();
    private ReceiverCredit credit;
    private Flow.Subscriber<? super byte[]> subscriber;
    private long demand;
    private boolean endReceived;
    private boolean answered;
    private boolean completed;
    private boolean done;
    private Throwable failure;
    /** Credit due back with the consumption of the last item: the final return, held for the answer. */
    private int finalReturn;
    private boolean finalReturnSent;
    /** Whether the provider is granted only what the subscriber requested (a caller on another node). */
    private boolean perDemand;
    /** Per demand: consumed credit not given back to the provider yet. */
    private long owed;
    /** Per demand: requested after the first grant and not yet given to the provider. */
    private long wanted;

    ProviderItems(ProviderStream stream, CreditMeter meter, IntSupplier callerHighWaterMark) {
        this.stream = stream;
        this.meter = meter;
        this.callerHighWaterMark = callerHighWaterMark;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super byte[]> s) {
        stream.onLoop(() -> {
            if (subscriber != null) {
                s.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                s.onError(new IllegalStateException("the provider's items have one subscriber"));
                return;
            }
            subscriber = s;
            s.onSubscribe(new Subscription());
            if (failure != null) {
                s.onError(failure);
            }
        });
    }

    /** The caller's stream's hold on these items: its calls are taken over to the provider's loop. */
    private final class Subscription implements Flow.Subscription {
        @Override
        public void request(long n) {
            stream.onLoop(() -> requested(n));
        }

        @Override
        public void cancel() {
            stream.onLoop(() -> {
                if (!done) {
                    stream.receivingCancelled();
                }
            });
        }
    }

    // ---- on the provider's event loop

    private void requested(long n) {
        if (done || n <= 0) {
            return;
        }
        if (credit == null) {
            // The caller's first grant has come (its stream asks for items only after it): the
            // node's own high-water mark is the caller's, so every item that fits fits the caller.
            int mark = callerHighWaterMark.getAsInt();
            if (mark == Relay.OTHER_NODE) {
                perDemand = meter.mode() == CreditMode.ITEMS;
                mark = perDemand ? (int) Math.min(n, Integer.MAX_VALUE) : stream.otherNodesMark();
            }
            mark = Math.max(1, mark);
            credit = new ReceiverCredit(mark);
            stream.send(new StreamCredit(stream.streamId(), mark));
        } else if (perDemand) {
            wanted = wanted + n < 0 ? Long.MAX_VALUE : wanted + n;
            giveBack();
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        deliver();
    }

    /** A STREAM_DATA of the provider, with {@code last} for the LAST flag. */
    void received(byte[] item, boolean last) {
        if (done || endReceived) {
            if (!done) {
                stream.providerBroke(ErrorCode.PROTOCOL_ERROR, "an item after the end of the provider's items");
            }
            return;
        }
        if (credit == null) {
            stream.providerBroke(ErrorCode.STREAM_CREDIT_EXCEEDED, "an item arrived before the node granted credit");
            return;
        }
        try {
            int cost = meter.costOf(item);
            if (perDemand && cost > credit.handedOut() - owed) {
                // The receiver's count includes what is held back for the caller's next requests.
                throw new ProtocolException(ErrorCode.STREAM_CREDIT_EXCEEDED, "an item costing " + cost
                        + " arrived with only " + (credit.handedOut() - owed) + " credit granted");
            }
            credit.received(cost);
        } catch (ProtocolException e) {
            stream.providerBroke(e.code(), e.getMessage());
            return;
        }
        held.add(item);
        stream.countFromProvider(item.length);
        if (last) {
            ended();
        } else {
            deliver();
        }
    }

    /** The provider's STREAM_END, or the LAST flag. */
    void ended() {
        if (done) {
            return;
        }
        if (endReceived) {
            stream.providerBroke(ErrorCode.PROTOCOL_ERROR, "a second end of the provider's items");
            return;
        }
        endReceived = true;
        if (credit != null) {
            credit.endReceived();
        }
        deliver();
    }

    /** The provider answered the call: no item comes any more; those held still go on, then the end. */
    void answered() {
        answered = true;
        if (!endReceived) {
            // The answer closed the provider's stream while it was open: what came is all there is.
            endReceived = true;
            finalReturnSent = true;
        }
        deliver();
        sendFinalReturn();
    }

    private void deliver() {
        Flow.Subscriber<? super byte[]> s = subscriber;
        if (done || s == null) {
            return;
        }
        while (demand > 0 && !held.isEmpty()) {
            byte[] item = held.poll();
            demand--;
            stream.handedToCaller(item.length);
            s.onNext(item);
            int grant = credit.consumed(meter.costOf(item));
            if (endReceived && held.isEmpty()) {
                finalReturn += grant;
            } else if (perDemand) {
                owed += grant;
                giveBack();
            } else if (grant > 0) {
                stream.send(new StreamCredit(stream.streamId(), grant));
            }
        }
        if (endReceived && held.isEmpty() && !completed) {
            completed = true;
            s.onComplete();
            sendFinalReturn();
            stream.receivedHandedOn();
        }
    }

    /**
     * Per demand: gives the provider back as much consumed credit as was requested since. The
     * provider then holds no more credit than the subscriber asked for, and never more than its
     * high-water mark (what is given back was consumed).
     */
    private void giveBack() {
        long grant = Math.min(owed, wanted);
        if (grant > 0) {
            owed -= grant;
            wanted -= grant;
            stream.send(new StreamCredit(stream.streamId(), (int) grant));
        }
    }

    private void sendFinalReturn() {
        if (!completed || !answered || finalReturnSent || credit == null) {
            return;
        }
        finalReturnSent = true;
        // Per demand, what was held back goes too: after the end no item can come for it.
        int last = finalReturn + credit.finalReturn() + (int) owed;
        owed = 0;
        if (last > 0) {
            stream.send(new StreamCredit(stream.streamId(), last));
        }
    }

    /** Whether every item was handed on and the end too. */
    boolean finished() {
        return completed;
    }

    /** Whether the provider may still send items: they have not ended, and this side is not over. */
    boolean open() {
        return !done && !endReceived;
    }

    /** This side ends otherwise (a cancel, an error, the call's end): the subscriber fails, if it still listens. */
    void fail(Throwable why) {
        if (done) {
            return;
        }
        done = true;
        held.clear();
        failure = why;
        if (subscriber != null && !completed) {
            subscriber.onError(why);
        }
    }

    /**
     * Where this side stands for the node's STREAM_RESUME to a resumed provider (docs/protocol.md
     * 6.4.7), or null before the node granted any credit (the provider then still waits for the
     * first grant, which comes as before).
     */
    ResumePoint resumePoint() {
        if (credit == null || done) {
            return null;
        }
        int before = credit.handedOut();
        ResumePoint point = credit.resumePoint();
        if (perDemand) {
            // The resume point returns the consumed credit that was not due back yet: the other
            // node did not ask for it, so it is owed like the rest, and paid only for its requests.
            owed += point.credit() - before;
            long paid = Math.min(owed, wanted);
            owed -= paid;
            wanted -= paid;
        }
        // Per demand, what is held back for the caller's next requests was not handed out.
        return owed == 0 ? point : new ResumePoint(point.received(), point.credit() - (int) owed, point.ended());
    }

    /** The credit handed out to the provider and not yet used. */
    int credit() {
        return credit == null ? 0 : credit.handedOut() - (int) owed;
    }
}
