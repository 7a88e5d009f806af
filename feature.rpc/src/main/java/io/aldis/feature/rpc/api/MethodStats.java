package io.aldis.feature.rpc.api;

/**
 * Counters of one method since the feature started.
 *
 * @param method     {@code service.method}
 * @param calls      calls finished
 * @param errors     calls that finished with an error (including deadlines and cancellations)
 * @param inFlight   calls running now
 * @param p50Micros  median latency in microseconds, from receipt to answer
 * @param p99Micros  99th percentile latency in microseconds
 */
public record MethodStats(String method, long calls, long errors, int inFlight, long p50Micros, long p99Micros) {
}
