package io.aldis.feature.pubsub.internal.routing;

import io.aldis.protocol.api.SlowConsumerPolicy;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.spi.node.Session;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A client's subscription. Published messages enter this subscription's own queue, which the
 * subscriber's event loop drains into the session while the session is writable; when the
 * connection cannot keep up, the queue is bounded by the subscription's budget in bytes and the
 * subscriber's policy decides what happens when it is full. The queue drains again when the
 * session turns writable. Queue state is guarded by {@code this}; publishers on different event
 * loops take turns, and every write happens on the subscriber's loop in queue order, so each
 * publisher's messages keep their order.
 */
public final class SessionSubscription extends BaseSubscription {
    final long id;
    final Subscriber owner;
    final SlowConsumerPolicy policy;
    final int budget;
    private final int hardLimit;
    /** Whether the subscriber may pause publishers on every subject of the pattern; else judged per subject. */
    volatile boolean blockUnrestricted;

    /**
     * At most this many frames, and this many bytes, go to the session per pass: small messages
     * share a pass through the connection, while large ones still meet a writability check every
     * few tens of kilobytes, as the connection's write buffer is only a little larger than that.
     */
    private static final int SEND_GROUP = 64;
    private static final int SEND_GROUP_BYTES = 16 * 1024;

    private final ArrayDeque<Delivery> pending = new ArrayDeque<>();
    /** Frames being handed to the session by {@link #drain}; empty between drains. */
    private final List<Frame> outgoing = new ArrayList<>(SEND_GROUP);
    private long pendingBytes;
    private boolean dropping;
    private Set<Subscriber> held;
    private long maxPendingBytes;
    private boolean drainScheduled;
    private final EventLoop loop;
    /** The longest a {@code block} subscription may keep publishers paused without a break. */
    private final int maxHoldMillis;
    /** Counts spells of holding publishers, so a timer knows whether its spell is still going. */
    private long holdSpell;

    private final SubscriptionSupport support;

    SessionSubscription(SubscriptionSupport support, Subscriber owner, long id, String pattern, String queueGroup,
            SlowConsumerPolicy policy, int budget, int blockOverflow, int maxHoldMillis) {
        super(support.permissions(), pattern, queueGroup, owner.session.user());
        this.support = support;
        this.id = id;
        this.owner = owner;
        this.policy = policy;
        this.budget = budget;
        this.hardLimit = budget + Math.max(0, blockOverflow);
        this.maxHoldMillis = maxHoldMillis;
        this.loop = owner.session.connection().channel().eventLoop();
    }

    @Override
    boolean offer(Delivery d, Subscriber publisher) {
        if (closed || !mayRead(d.subject)) {
            return false;
        }
        Session session = owner.session;
        boolean disconnect = false;
        String why = null;
        synchronized (this) {
            if (closed) {
                return false;
            }
            long after = pendingBytes + d.size;
            if (policy == SlowConsumerPolicy.BLOCK) {
                // Pause the publisher as soon as the queue is over budget, writable or not: when
                // many publishers feed one subscriber, the subscriber's loop may be far behind, and
                // what each publisher's connection already read still arrives after its pause. The
                // hard limit is for a subscriber that stops reading for good.
                if (after > hardLimit) {
                    disconnect = true;
                } else if (after > budget && publisher != null && !publisher.closed && !blockUnrestricted
                        && !permissions.mayBlock(user, d.subject)) {
                    // Not allowed to pause this publisher: treated as the disconnect policy would.
                    disconnect = true;
                    why = "may not pause the publishers of '" + d.subject + "'";
                } else if (after > budget && publisher != null && !publisher.closed) {
                    if (held == null) {
                        held = new LinkedHashSet<>();
                        limitHold(++holdSpell);
                    }
                    if (held.add(publisher)) {
                        support.counters().publishersPaused.increment();
                        publisher.session.hold(this);
                    }
                }
            } else if (after > budget && (!session.writable() || after > hardLimit)) {
                // Over budget only counts while the connection cannot take more: a writable
                // session's queue empties on its next turn. The hard limit bounds the queue in
                // every case.
                switch (policy) {
                    case DROP_NEWEST -> {
                        dropped(1);
                        return true;
                    }
                    case DROP_OLDEST -> {
                        int n = 0;
                        while (!pending.isEmpty() && pendingBytes + d.size > budget) {
                            pendingBytes -= pending.poll().size;
                            n++;
                        }
                        if (d.size > budget) {
                            dropped(n + 1);
                            return true;
                        }
                        dropped(n);
                    }
                    default -> disconnect = true;
                }
            }
            if (!disconnect) {
                pending.add(d);
                pendingBytes += d.size;
                maxPendingBytes = Math.max(maxPendingBytes, pendingBytes);
                if (!drainScheduled) {
                    // Every write of this subscription happens on the subscriber's event loop, in
                    // queue order: that keeps each publisher's order whatever thread published.
                    drainScheduled = true;
                    scheduleDrain(publisher);
                }
            }
        }
        if (disconnect) {
            if (why == null) {
                support.slowConsumers().disconnect(this);
            } else {
                support.slowConsumers().disconnect(this, "fell behind and " + why);
            }
        }
        return true;
    }

    private void scheduleDrain(Subscriber publisher) {
        EventLoop here = publisher == null ? null : publisher.loop;
        if (here != null && here != loop && here.inEventLoop() && support.drains().of(here).add(this)) {
            return;
        }
        try {
            loop.execute(this::drain);
        } catch (RejectedExecutionException connectionGone) {
            loopGone();
        }
    }

    /** The subscriber's event loop, where this subscription drains. */
    EventLoop loop() {
        return loop;
    }

    /** The subscriber's event loop takes no more work: its connection is going. */
    synchronized void loopGone() {
        closed = true;
        pending.clear();
        pendingBytes = 0;
    }

    /** Sends what is queued while the session stays writable; on the subscriber's event loop only. */
    synchronized void drain() {
        drainScheduled = false;
        Session session = owner.session;
        long sent = 0;
        long sentBytes = 0;
        while (!pending.isEmpty() && !closed && session.writable()) {
            // Handed to the session a few at a time: one pass through the connection per group,
            // while writability is still checked often enough to bound what goes out unread.
            int groupBytes = 0;
            for (int i = 0; i < SEND_GROUP && groupBytes < SEND_GROUP_BYTES && !pending.isEmpty(); i++) {
                Delivery d = pending.poll();
                pendingBytes -= d.size;
                outgoing.add(d.frame(id));
                groupBytes += d.size;
            }
            sent += outgoing.size();
            sentBytes += groupBytes;
            try {
                session.send(outgoing);
            } finally {
                outgoing.clear();
            }
        }
        if (sent > 0) {
            // Counted once per drain, not per message: five shared counters per delivery cost
            // more than the rest of the hand-over.
            delivered.add(sent);
            deliveredBytes.add(sentBytes);
            owner.delivered.add(sent);
            support.counters().delivered.add(sent);
            support.counters().deliveredBytes.add(sentBytes);
        }
        if (pending.isEmpty()) {
            owner.backlog.remove(this);
            dropping = false;
        } else {
            owner.backlog.add(this);
        }
        if (held != null && pendingBytes <= budget / 2) {
            releaseHeld();
        }
    }

    /**
     * Bounds a spell of holding publishers: a subscriber that is still holding them when the time
     * is up is a slow consumer, whatever it still queues. Without it, a subscriber that reads just
     * enough never falls far enough behind to reach the hard limit, and keeps every publisher of
     * its subjects paused.
     */
    private void limitHold(long spell) {
        try {
            loop.schedule(() -> holdTimeUp(spell), maxHoldMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException connectionGone) {
            // The subscriber's loop is gone; so is the subscription, and its hold with it.
        }
    }

    private void holdTimeUp(long spell) {
        synchronized (this) {
            if (closed || held == null || holdSpell != spell) {
                return;
            }
        }
        support.slowConsumers().disconnect(this, "kept its publishers paused for more than " + maxHoldMillis + " ms");
    }

    private void dropped(int n) {
        if (n == 0) {
            return;
        }
        dropped.add(n);
        owner.dropped.add(n);
        support.counters().dropped.add(n);
        if (!dropping) {
            // Once per episode (until the queue empties): tell the subscriber it is losing messages.
            dropping = true;
            owner.session.send(new ErrorFrame(id, ErrorCode.SLOW_CONSUMER.code(),
                    "subscription " + id + " on '" + pattern + "' is dropping messages (" + policy.wireName()
                            + "): its outbound budget of " + budget + " bytes is full",
                    "{\"subscriptionId\":" + id + ",\"policy\":\"" + policy.wireName() + "\",\"budgetBytes\":" + budget + "}"));
        }
    }

    private void releaseHeld() {
        for (Subscriber publisher : held) {
            publisher.session.release(this);
        }
        held = null;
    }

    @Override
    synchronized void close() {
        closed = true;
        pending.clear();
        pendingBytes = 0;
        owner.backlog.remove(this);
        if (held != null) {
            releaseHeld();
        }
    }

    /** Stops pausing a publisher whose session ended. */
    synchronized void forget(Subscriber publisher) {
        if (held != null && held.remove(publisher) && held.isEmpty()) {
            held = null;
        }
    }

    @Override
    String owner() {
        return owner.session.id() + (user == null ? "" : " (" + user.name() + ")");
    }

    @Override
    synchronized long pendingBytes() {
        return pendingBytes;
    }

    synchronized long maxPendingBytes() {
        return maxPendingBytes;
    }

    synchronized int heldPublishers() {
        return held == null ? 0 : held.size();
    }
}
