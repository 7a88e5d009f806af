package io.aldis.feature.cluster.internal.rpc;

import io.aldis.feature.rpc.spi.LocalCalls;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this node's entry in the {@link ServiceTable} in step with its services and their calls
 * in flight. It looks every {@value #PERIOD_MILLIS} ms and writes only what changed, so RPC never
 * calls into Hazelcast on a caller's thread; the counts the other nodes choose by are at most that
 * old, plus the time the replicated map takes to reach them.
 */
public final class ServicePublisher implements AutoCloseable {
    static final long PERIOD_MILLIS = 50;
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final ServiceTable table;
    private final LocalCalls local;
    private final ScheduledFuture<?> task;
    /** What was published last, or null for nothing yet; guarded by this. */
    private String published;
    private boolean closed;

    public ServicePublisher(ServiceTable table, LocalCalls local, ScheduledExecutorService scheduler) {
        this.table = table;
        this.local = local;
        this.task = scheduler.scheduleWithFixedDelay(this::check, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Publishes again at the next look, for a member that joined after a split healed. */
    public synchronized void republish() {
        published = null;
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        try {
            String now = ServiceTable.encode(local.services(), local.exportedServices());
            if (!now.equals(published)) {
                table.publish(now);
                published = now;
            }
        } catch (RuntimeException e) {
            // Hazelcast is shutting down, or the cluster is changing: try again at the next look.
            LOG.log(System.Logger.Level.DEBUG, "RPC services not published yet: {0}", e.toString());
        }
    }

    /** Stops publishing; a look already running finishes first, so nothing is published after this returns. */
    @Override
    public synchronized void close() {
        closed = true;
        task.cancel(false);
    }
}
