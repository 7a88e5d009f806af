package io.aldis.feature.cluster.internal.rpc;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.stream.StreamFailure;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Flow;
import java.util.function.IntConsumer;

/**
 * The items of a stream that come from another node, as a publisher for one subscriber. What the
 * subscriber requests goes to the other node as credit, and that node sends no more than it was
 * granted: so this holds at most the items requested and not yet delivered, never more than the
 * subscriber's window. An item beyond the credit is a broken peer, and fails the items.
 */
final class PeerItems implements Flow.Publisher<byte[]> {
    private final IntConsumer grant;
    private final String what;
    private final Runnable cancelled;

    // guarded by this
    private final Queue<byte[]> arrived = new ArrayDeque<>();
    private Flow.Subscriber<? super byte[]> subscriber;
    /** Requested by the subscriber and not delivered yet. */
    private long demand;
    /** Granted to the other node and not used by an item yet. */
    private long granted;
    private boolean ended;
    private Throwable failure;
    private boolean done;
    private boolean draining;

    /**
     * @param grant sends credit for that many items to the other node
     * @param what  the stream, for messages
     */
    PeerItems(IntConsumer grant, String what) {
        this(grant, what, () -> { });
    }

    /**
     * @param cancelled tells the other node that the subscriber cancelled: it is to send no more
     */
    PeerItems(IntConsumer grant, String what, Runnable cancelled) {
        this.grant = grant;
        this.what = what;
        this.cancelled = cancelled;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super byte[]> s) {
        synchronized (this) {
            if (subscriber != null) {
                s.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                s.onError(new IllegalStateException("the items of " + what + " have one subscriber"));
                return;
            }
            subscriber = s;
        }
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                requested(n);
            }

            @Override
            public void cancel() {
                boolean tell;
                synchronized (PeerItems.this) {
                    tell = !done && !ended && failure == null;
                    done = true;
                    arrived.clear();
                }
                if (tell) {
                    cancelled.run();
                }
            }
        });
        drain();
    }

    /** An item from the other node. */
    void item(byte[] item) {
        synchronized (this) {
            if (done || ended || failure != null) {
                return;
            }
            if (granted == 0) {
                failure = new IllegalStateException("node sent an item of " + what + " beyond the credit it was granted");
                // Nothing more of a broken peer is delivered.
                arrived.clear();
            } else {
                granted--;
                arrived.add(item);
            }
        }
        drain();
    }

    /** The other node's items ended. */
    void end() {
        synchronized (this) {
            ended = true;
        }
        drain();
    }

    /** The other node's items failed, or the call ended before they did. */
    void fail(String message) {
        fail(new IllegalStateException(message));
    }

    /**
     * The other node's items failed with the protocol's error {@code code}: the subscriber gets a
     * {@link StreamFailure}, so a stream that sends these items on ends with that code.
     */
    void fail(int code, String message) {
        // From another node, maybe of another version: a code that is no error code fails as STREAM_FAILED.
        fail(new StreamFailure(code < 0 ? code : ErrorCode.STREAM_FAILED.code(), message));
    }

    private void fail(RuntimeException why) {
        synchronized (this) {
            if (failure == null && !ended) {
                failure = why;
            }
        }
        drain();
    }

    /** Items held now, for tests. */
    synchronized int held() {
        return arrived.size();
    }

    private void requested(long n) {
        if (n <= 0) {
            fail("a subscriber of " + what + " requested " + n + " items");
            return;
        }
        long toGrant;
        synchronized (this) {
            if (done) {
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            // Grant no more than the messages can say at once; the rest as items arrive.
            toGrant = Math.min(n, Integer.MAX_VALUE - granted);
            granted += Math.max(0, toGrant);
        }
        if (toGrant > 0) {
            grant.accept((int) toGrant);
        }
        drain();
    }

    /** Delivers what may be delivered, on one thread at a time, in order. */
    private void drain() {
        Flow.Subscriber<? super byte[]> s;
        synchronized (this) {
            if (draining || subscriber == null) {
                return;
            }
            draining = true;
            s = subscriber;
        }
        while (true) {
            byte[] next = null;
            Throwable fail = null;
            boolean complete = false;
            synchronized (this) {
                if (done) {
                    draining = false;
                    return;
                }
                if (!arrived.isEmpty() && demand > 0) {
                    // Items that came before a failure go first, as far as the subscriber asked.
                    next = arrived.poll();
                    demand--;
                } else if (failure != null) {
                    fail = failure;
                    done = true;
                } else if (arrived.isEmpty() && ended) {
                    complete = true;
                    done = true;
                } else {
                    draining = false;
                    return;
                }
            }
            if (fail != null) {
                s.onError(fail);
            } else if (complete) {
                s.onComplete();
            } else {
                s.onNext(next);
            }
        }
    }
}
