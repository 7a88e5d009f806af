package io.aldis.feature.cluster.internal.links;

import java.util.concurrent.TimeUnit;

/**
 * Lets a warning that would come with every message or connection while its cause lasts through
 * at most once every ten seconds. Threads may race for the same turn; one warning more is fine.
 */
public final class EveryTenSeconds {
    private static final long INTERVAL = TimeUnit.SECONDS.toNanos(10);
    private volatile long last;

    /** Whether a warning may go now; if so, the next may go in ten seconds. */
    public boolean due() {
        long now = System.nanoTime();
        if (last == 0 || now - last > INTERVAL) {
            last = now;
            return true;
        }
        return false;
    }
}
