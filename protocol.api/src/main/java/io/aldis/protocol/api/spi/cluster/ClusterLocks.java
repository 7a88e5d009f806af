package io.aldis.protocol.api.spi.cluster;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Locks by name that hold across every node of a cluster: while one node runs an action under a
 * name, no node runs another action under the same name. The cluster bundle registers one while
 * the node is a member; a feature that finds none runs its actions under a lock of its own node.
 *
 * <p>The lock is meant for short actions (a check and a rename, say). It belongs to the node that
 * took it: when that node dies, the cluster gives the lock up, so a crash never leaves a name
 * locked. An action that outlasts {@link #LEASE_MILLIS} may lose the lock before it ends.
 */
@ProviderType
public interface ClusterLocks {
    /** The longest one action keeps a lock: ten minutes. */
    long LEASE_MILLIS = 10 * 60_000L;

    /**
     * Runs {@code action} on the calling thread while holding the lock {@code name}, waiting at most
     * {@code waitMillis} for it.
     *
     * @return what the action returned
     * @throws TimeoutException when the lock was not free within {@code waitMillis}; the action did not run
     * @throws Exception        what the action threw, after the lock was given back
     */
    <T> T callLocked(String name, long waitMillis, Callable<T> action) throws Exception;
}
