package io.aldis.feature.filetransfer.internal.listing;

import io.aldis.protocol.api.spi.node.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often each session may list its files. Every LIST reads the user's whole storage area, so a
 * client that lists in a loop would keep a file worker and the disk busy for nothing; each session
 * gets a token bucket refilled at the configured rate instead. The rate and burst are passed in on
 * each request, so a changed configuration applies to open sessions at once.
 */
final class ListThrottle {
    private final Map<Session, Bucket> buckets = new ConcurrentHashMap<>();

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
        return buckets.computeIfAbsent(session, s -> new Bucket(capacity, nowMillis)).take(rate, capacity, nowMillis);
    }

    /** The session ended: its bucket goes. */
    void forget(Session session) {
        buckets.remove(session);
    }

    private static final class Bucket {
        private double tokens;
        private long lastMillis;

        Bucket(double capacity, long nowMillis) {
            tokens = capacity;
            lastMillis = nowMillis;
        }

        synchronized long take(double rate, double capacity, long nowMillis) {
            if (nowMillis > lastMillis) {
                tokens += (nowMillis - lastMillis) * rate / 1000;
                lastMillis = nowMillis;
            }
            tokens = Math.min(tokens, capacity);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / rate));
        }
    }
}
