package io.aldis.feature.cluster.internal.rpc;

import java.util.concurrent.Flow;

/**
 * Takes the items of a stream's local side to send them to the other node, asking the publisher
 * only for what the other node granted: credit that comes before the publisher subscribed waits
 * for it, and once {@linkplain #stop stopped} no more is asked for. The same on both nodes: the
 * serving node forwards what the method (or a relayed provider) sends, the calling node what its
 * caller sends.
 */
final class CreditedForwarding implements Flow.Subscriber<byte[]> {
    /** Where the items, their end and a failure go. */
    interface Target {
        void item(byte[] item);

        void completed();

        void failed(Throwable failure);
    }

    private final Target target;

    // guarded by this
    private Flow.Subscription subscription;
    private long creditBeforeSubscribed;
    private boolean stopped;

    CreditedForwarding(Target target) {
        this.target = target;
    }

    /** The other node grants {@code items} more. */
    void credit(long items) {
        Flow.Subscription s;
        synchronized (this) {
            if (stopped) {
                return;
            }
            s = subscription;
            if (s == null) {
                creditBeforeSubscribed += items;
                return;
            }
        }
        s.request(items);
    }

    /**
     * No more credit passes, and a publisher that subscribes from now on is cancelled; with
     * {@code cancel} the publisher that subscribed already is cancelled too.
     */
    void stop(boolean cancel) {
        Flow.Subscription s;
        synchronized (this) {
            stopped = true;
            s = subscription;
            subscription = null;
        }
        if (cancel && s != null) {
            s.cancel();
        }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        long credit;
        synchronized (this) {
            if (stopped) {
                credit = -1;
            } else {
                subscription = s;
                credit = creditBeforeSubscribed;
                creditBeforeSubscribed = 0;
            }
        }
        if (credit < 0) {
            s.cancel();
        } else if (credit > 0) {
            s.request(credit);
        }
    }

    @Override
    public void onNext(byte[] item) {
        target.item(item);
    }

    @Override
    public void onError(Throwable failure) {
        target.failed(failure);
    }

    @Override
    public void onComplete() {
        target.completed();
    }
}
