package io.aldis.feature.rpc.internal.calls;

/**
 * One method's latencies as a histogram with fixed bounds, for scrapers that add histograms up
 * across methods and nodes (percentiles cannot be added up).
 *
 * @param method       {@code service.method}
 * @param bucketCounts for each bound of {@link #BOUNDS_MICROS}, the calls that took less than it
 *                     (cumulative, so the counts never decrease)
 * @param count        every call that ran, whatever it took
 * @param sumMicros    their latencies added up, in microseconds
 */
public record LatencyHistogram(String method, long[] bucketCounts, long count, long sumMicros) {
    /**
     * Powers of two from 32 µs to about 34 s: each is an edge of the counters' own logarithmic
     * buckets, so every count here is exact rather than interpolated.
     */
    public static final long[] BOUNDS_MICROS = bounds();

    private static long[] bounds() {
        long[] bounds = new long[21];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = 1L << (i + 5);
        }
        return bounds;
    }
}
