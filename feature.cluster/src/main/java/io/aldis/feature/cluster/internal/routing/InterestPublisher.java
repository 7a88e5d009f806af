package io.aldis.feature.cluster.internal.routing;

import io.aldis.feature.pubsub.spi.LocalRouting;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node's entry in the {@link InterestTable} in step with its subscriptions. It looks
 * at pub/sub's interest version every {@value #PERIOD_MILLIS} ms rather than being called on
 * every change, so that pub/sub never calls into Hazelcast on a client's thread; a change costs
 * one write of the node's whole interest.
 */
public final class InterestPublisher implements AutoCloseable {
    /** Set once closed: a look that was waiting for the lock publishes nothing. */
    private boolean closed;
    static final long PERIOD_MILLIS = 50;
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final InterestTable table;
    private final LocalRouting routing;
    private final ScheduledFuture<?> task;
    private long published = Long.MIN_VALUE;

    public InterestPublisher(InterestTable table, LocalRouting routing, ScheduledExecutorService scheduler) {
        this.table = table;
        this.routing = routing;
        this.task = scheduler.scheduleWithFixedDelay(this::check, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Publishes again at the next look, for a member that joined after a split healed. */
    public synchronized void republish() {
        published = Long.MIN_VALUE;
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        try {
            long version = routing.interestVersion();
            if (version != published) {
                table.publish(routing.interest());
                published = version;
            }
        } catch (RuntimeException e) {
            // Hazelcast is shutting down, or the cluster is changing: try again at the next look.
            LOG.log(System.Logger.Level.DEBUG, "Interest not published yet: {0}", e.toString());
        }
    }

    @Override
    /** Stops publishing; a look already running finishes first, so nothing is published after this returns. */
    public synchronized void close() {
        closed = true;
        task.cancel(false);
    }
}
