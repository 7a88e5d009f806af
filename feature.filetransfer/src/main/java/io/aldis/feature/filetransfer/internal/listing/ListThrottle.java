package io.aldis.feature.filetransfer.internal.listing;

import io.aldis.protocol.api.spi.limits.TokenBucket;
import io.aldis.protocol.api.spi.node.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How often each session may list its files. Every LIST reads the user's whole storage area, so a
 * client that lists in a loop would keep a file worker and the disk busy for nothing; each session
 * gets a token bucket refilled at the configured rate instead. The rate and burst are passed in on
 * each request, so a changed configuration applies to open sessions at once.
 */
final class ListThrottle {
    private final Map<Session, TokenBucket> buckets = new ConcurrentHashMap<>();

    /**
     * Takes a token for one LIST of {@code session}.
     *
     * @param rate  tokens per second; 0 lets every request through
     * @param burst most tokens saved up; 0 means one second's worth
     * @return 0 when the request may run, else the milliseconds until it may be made again
     */
    long admit(Session session, double rate, int burst, long nowMillis) {
        if (rate <= 0) {
            return 0;
        }
        double capacity = burst > 0 ? burst : Math.max(1, rate);
        long now = TimeUnit.MILLISECONDS.toNanos(nowMillis);
        TokenBucket bucket = buckets.computeIfAbsent(session, s -> new TokenBucket(rate, capacity, now));
        bucket.update(rate, capacity, now);
        long waitNanos = bucket.tryTake(now);
        return waitNanos == 0 ? 0 : Math.max(1, (waitNanos + 999_999) / 1_000_000);
    }

    /** The session ended: its bucket goes. */
    void forget(Session session) {
        buckets.remove(session);
    }
}
