package io.aldis.pubsub.internal;

import io.aldis.protocol.ErrorCode;
import io.aldis.protocol.ErrorFrame;
import io.aldis.spi.node.Session;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A client's subscription. Messages go straight to the session while it is writable and nothing
 * is queued; otherwise they wait in this subscription's own queue, bounded by its budget in
 * bytes, and the subscriber's policy decides what happens when the budget is full. The queue
 * drains when the session turns writable again. All queue state is guarded by {@code this};
 * publishers on different event loops take turns, so each publisher's messages keep their order.
 */
final class SessionSubscription extends BaseSubscription {
    final long id;
    final Subscriber owner;
    final Policy policy;
    final int budget;
    private final int hardLimit;

    private final ArrayDeque<Delivery> pending = new ArrayDeque<>();
    private long pendingBytes;
    private boolean dropping;
    private Set<Subscriber> held;
    private long maxPendingBytes;

    SessionSubscription(PubSubEngine engine, Subscriber owner, long id, String pattern, String queueGroup,
            Policy policy, int budget, int blockOverflow) {
        super(engine, pattern, queueGroup, owner.session.user());
        this.id = id;
        this.owner = owner;
        this.policy = policy;
        this.budget = budget;
        this.hardLimit = budget + Math.max(0, blockOverflow);
    }

    @Override
    boolean offer(Delivery d, Subscriber publisher) {
        if (closed || !mayRead(d.subject)) {
            return false;
        }
        Session session = owner.session;
        boolean disconnect = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (pending.isEmpty() && session.writable()) {
                send(d);
                return true;
            }
            if (pendingBytes + d.size > budget) {
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
                    case DISCONNECT -> disconnect = true;
                    case BLOCK -> {
                        if (pendingBytes + d.size > hardLimit) {
                            disconnect = true;
                        } else if (publisher != null && !publisher.closed) {
                            if (held == null) {
                                held = new LinkedHashSet<>();
                            }
                            if (held.add(publisher)) {
                                owner.engine.counters.publishersPaused.increment();
                                publisher.session.hold(this);
                            }
                        }
                    }
                }
            }
            if (!disconnect) {
                pending.add(d);
                pendingBytes += d.size;
                maxPendingBytes = Math.max(maxPendingBytes, pendingBytes);
                owner.backlog.add(this);
                if (session.writable()) {
                    drainLocked();
                }
            }
        }
        if (disconnect) {
            owner.engine.slowConsumer(this);
        }
        return true;
    }

    /** Sends what is queued while the session stays writable. */
    synchronized void drain() {
        drainLocked();
    }

    private void drainLocked() {
        Session session = owner.session;
        while (!pending.isEmpty() && session.writable() && !closed) {
            Delivery d = pending.poll();
            pendingBytes -= d.size;
            send(d);
        }
        if (pending.isEmpty()) {
            owner.backlog.remove(this);
            dropping = false;
        }
        if (held != null && pendingBytes <= budget / 2) {
            releaseHeld();
        }
    }

    private void send(Delivery d) {
        owner.session.send(d.frame(id));
        delivered.increment();
        deliveredBytes.add(d.size);
        owner.delivered.increment();
        engine.counters.delivered.increment();
        engine.counters.deliveredBytes.add(d.size);
    }

    private void dropped(int n) {
        if (n == 0) {
            return;
        }
        dropped.add(n);
        owner.dropped.add(n);
        engine.counters.dropped.add(n);
        if (!dropping) {
            // Once per episode (until the queue empties): tell the subscriber it is losing messages.
            dropping = true;
            owner.session.send(new ErrorFrame(id, ErrorCode.SLOW_CONSUMER.code(),
                    "subscription " + id + " on '" + pattern + "' is dropping messages (" + policy.label()
                            + "): its outbound budget of " + budget + " bytes is full",
                    "{\"subscriptionId\":" + id + ",\"policy\":\"" + policy.label() + "\",\"budgetBytes\":" + budget + "}"));
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
