package io.aldis.feature.filetransfer.internal.store;

import io.aldis.protocol.api.spi.cluster.ClusterLocks;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The locks under which the feature changes what several nodes may change at once when they share
 * a storage root: a published name, a transfer's checkpoint. They are the cluster's
 * {@link ClusterLocks} while a cluster bundle offers them, and locks of this node otherwise, which
 * is all a store of one node needs.
 */
public final class StoreLocks {
    /** How long an action waits for its lock before it fails with a {@link LockTimeoutException}. */
    static final long WAIT_MILLIS = 30_000;
    private static final int STRIPES = 64;

    private final ReentrantLock[] local = new ReentrantLock[STRIPES];
    private volatile ClusterLocks cluster;

    public StoreLocks() {
        for (int i = 0; i < STRIPES; i++) {
            local[i] = new ReentrantLock();
        }
    }

    /** Uses the cluster's locks from now on; null goes back to this node's. */
    public void cluster(ClusterLocks locks) {
        cluster = locks;
    }

    /**
     * Whether other nodes may share the storage: true while the node is in a cluster. Only then
     * does the feature check that a transfer it keeps in memory was not taken over by another node.
     */
    public boolean clustered() {
        return cluster != null;
    }

    /** The lock of {@code user}'s published file {@code name}. */
    public static String ofName(String user, String name) {
        return "files/name/" + user.length() + ":" + user + "/" + name;
    }

    /** The lock of a transfer's checkpoint and partial data. */
    public static String ofTransfer(Object id) {
        return "files/transfer/" + id;
    }

    /**
     * Runs {@code action} under the lock {@code name}. A lock not free in time is a
     * {@link LockTimeoutException}; any failure of the cluster (its member stopping while the lock
     * is asked for, say) is an {@link IOException}, which the callers treat as a storage failure.
     */
    public <T> T callLocked(String name, Callable<T> action) throws IOException {
        ClusterLocks shared = cluster;
        try {
            if (shared != null) {
                return shared.callLocked(name, WAIT_MILLIS, action);
            }
            ReentrantLock lock = local[Math.floorMod(name.hashCode(), STRIPES)];
            if (!lock.tryLock(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("the lock " + name + " was not free within " + WAIT_MILLIS + " ms");
            }
            try {
                return action.call();
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            throw e;
        } catch (TimeoutException e) {
            throw new LockTimeoutException(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the lock " + name);
        } catch (Exception e) {
            throw new IOException("could not lock " + name + ": " + e.getMessage(), e);
        }
    }
}
