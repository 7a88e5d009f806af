package io.aldis.feature.rpc.internal.calls;

import io.aldis.feature.rpc.api.MethodStats;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one method: calls, errors, calls in flight (also the per-method concurrency limit's
 * count) and a latency histogram with logarithmic buckets (8 per power of two, so a percentile is
 * within about 6% of the true value) and the sum of the latencies, lock-free on the call path.
 */
final class MethodCounters {
    private static final int SUB_BUCKETS = 8;

    final String method;
    final AtomicInteger inFlight = new AtomicInteger();
    final StreamCounters streams = new StreamCounters();
    private final LongAdder calls = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder sumMicros = new LongAdder();
    private final AtomicLongArray buckets = new AtomicLongArray(64 * SUB_BUCKETS);

    MethodCounters(String method) {
        this.method = method;
    }

    /** Takes a concurrency slot; false when {@code limit} calls are in flight already. */
    boolean tryEnter(int limit) {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    void record(long nanos, boolean error) {
        calls.increment();
        if (error) {
            errors.increment();
        }
        long micros = Math.max(0, nanos / 1000);
        sumMicros.add(micros);
        buckets.incrementAndGet(bucket(micros));
    }

    /** Counts a call that was refused before it ran (BUSY, invalid, forbidden after lookup). */
    void recordRefused() {
        calls.increment();
        errors.increment();
    }

    MethodStats snapshot() {
        long[] copy = new long[buckets.length()];
        long total = 0;
        for (int i = 0; i < copy.length; i++) {
            copy[i] = buckets.get(i);
            total += copy[i];
        }
        return new MethodStats(method, calls.sum(), errors.sum(), inFlight.get(), percentile(copy, total, 0.50),
                percentile(copy, total, 0.99));
    }

    /** The latencies so far at the fixed bounds of {@link LatencyHistogram}. */
    LatencyHistogram histogram() {
        long[] bounds = LatencyHistogram.BOUNDS_MICROS;
        long[] cumulative = new long[bounds.length];
        long below = 0;
        int next = 0;
        long total = 0;
        for (int i = 0; i < buckets.length(); i++) {
            // every value of bucket i is below the bound once the bucket starts at or above the previous edge
            while (next < bounds.length && lowOf(i) >= bounds[next]) {
                cumulative[next++] = below;
            }
            long n = buckets.get(i);
            below += n;
            total += n;
        }
        while (next < bounds.length) {
            cumulative[next++] = below;
        }
        return new LatencyHistogram(method, cumulative, total, sumMicros.sum());
    }

    /** The smallest value, in microseconds, that falls in a bucket. */
    static long lowOf(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int exp = bucket / SUB_BUCKETS + 2;
        int sub = bucket % SUB_BUCKETS;
        return (long) (SUB_BUCKETS + sub) << (exp - 3);
    }

    static int bucket(long micros) {
        if (micros < SUB_BUCKETS) {
            return (int) micros;
        }
        int exp = 63 - Long.numberOfLeadingZeros(micros); // at least 3
        int sub = (int) ((micros >>> (exp - 3)) & (SUB_BUCKETS - 1));
        return (exp - 2) * SUB_BUCKETS + sub;
    }

    /** The middle of a bucket's range, in microseconds. */
    static long valueOf(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int exp = bucket / SUB_BUCKETS + 2;
        return lowOf(bucket) + (1L << (exp - 3)) / 2;
    }

    private static long percentile(long[] counts, long total, double p) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return valueOf(i);
            }
        }
        return valueOf(counts.length - 1);
    }
}
