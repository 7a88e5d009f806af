package io.aldis.feature.cluster.internal.locks;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.aldis.protocol.api.spi.cluster.ClusterLocks;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link ClusterLocks} on the key locks of a Hazelcast map. A key lock belongs to the thread and
 * member that took it, which is why the action runs on the calling thread between taking and giving
 * back; Hazelcast gives up the locks of a member that leaves the cluster, and the lease ends any
 * lock an action holds too long. These locks need no CP subsystem, which open-source Hazelcast runs
 * only without its safety guarantees.
 */
public final class HazelcastLocks implements ClusterLocks {
    /** The map whose keys are locked; it holds no entries. */
    static final String MAP = "aldis.locks";
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final IMap<String, Boolean> locks;

    public HazelcastLocks(HazelcastInstance hazelcast) {
        this.locks = hazelcast.getMap(MAP);
    }

    @Override
    public <T> T callLocked(String name, long waitMillis, Callable<T> action) throws Exception {
        if (!locks.tryLock(name, waitMillis, TimeUnit.MILLISECONDS, LEASE_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the cluster lock " + name + " was not free within " + waitMillis + " ms");
        }
        try {
            return action.call();
        } finally {
            try {
                locks.unlock(name);
            } catch (IllegalMonitorStateException leaseEnded) {
                // The lease ran out while the action ran: the lock is already someone else's or free.
                LOG.log(System.Logger.Level.WARNING, "The cluster lock {0} outlasted its lease", name);
            } catch (RuntimeException e) {
                // The member stopped while the action ran, say; the cluster frees the locks of a
                // member that leaves. What the action did stands: its result must reach the caller.
                LOG.log(System.Logger.Level.WARNING, "Could not give back the cluster lock " + name, e);
            }
        }
    }
}
