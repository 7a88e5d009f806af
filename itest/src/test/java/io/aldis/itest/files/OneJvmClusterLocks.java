package io.aldis.itest.files;

import io.aldis.protocol.api.spi.cluster.ClusterLocks;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Locks by name shared by several nodes of one JVM, as the cluster's are shared by its members:
 * given to each node's file transfer, they make those nodes behave as clustered nodes that share
 * a storage root, without Hazelcast.
 */
final class OneJvmClusterLocks implements ClusterLocks {
    private final Map<String, ReentrantLock> byName = new ConcurrentHashMap<>();
    /** Locks whose name starts with this are never free in time, as if another node held them; null: none. */
    private volatile String takenElsewhere;

    /** From now on, locks whose name starts with {@code prefix} time out at once; null ends that. */
    void takenElsewhere(String prefix) {
        takenElsewhere = prefix;
    }

    @Override
    public <T> T callLocked(String name, long waitMillis, Callable<T> action) throws Exception {
        String taken = takenElsewhere;
        if (taken != null && name.startsWith(taken)) {
            throw new TimeoutException("the lock " + name + " was not free within " + waitMillis + " ms");
        }
        ReentrantLock lock = byName.computeIfAbsent(name, n -> new ReentrantLock());
        if (!lock.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the lock " + name + " was not free within " + waitMillis + " ms");
        }
        try {
            return action.call();
        } finally {
            lock.unlock();
        }
    }
}
