package io.aldis.feature.rpc.internal;

import io.aldis.feature.rpc.internal.calls.LatencyHistogram;
import java.util.List;

/**
 * The RPC counters over JMX, registered as {@value RpcStats#OBJECT_NAME}: the same figures as
 * {@code aldis:rpc-stats}.
 */
public interface RpcStatsMXBean {
    /** Calls finished, over every method. */
    long getCalls();

    /** Calls that finished with an error, over every method. */
    long getErrors();

    /** Calls in flight now. */
    int getInFlight();

    /** Services callable now. */
    int getServices();

    /** Per-method figures. */
    List<MethodView> getMethods();

    /** The streams of each method that opened any. */
    List<StreamView> getStreams();

    /** Per method, its latencies at fixed bounds (powers of two microseconds), for histograms. */
    List<HistogramView> getLatencyHistograms();

    /** One method's latency histogram as an open-type composite. */
    final class HistogramView {
        private final LatencyHistogram histogram;

        HistogramView(LatencyHistogram histogram) {
            this.histogram = histogram;
        }

        public String getMethod() {
            return histogram.method();
        }

        /** The upper bounds in microseconds; a call of exactly a bound's length counts in the next one. */
        public long[] getBoundsMicros() {
            return LatencyHistogram.BOUNDS_MICROS.clone();
        }

        /** For each bound, the calls that took less (cumulative). */
        public long[] getBucketCounts() {
            return histogram.bucketCounts().clone();
        }

        public long getCount() {
            return histogram.count();
        }

        public long getSumMicros() {
            return histogram.sumMicros();
        }
    }

    /** One method's figures as an open-type composite. */
    final class MethodView {
        private final io.aldis.feature.rpc.api.MethodStats stats;

        MethodView(io.aldis.feature.rpc.api.MethodStats stats) {
            this.stats = stats;
        }

        public String getMethod() {
            return stats.method();
        }

        public long getCalls() {
            return stats.calls();
        }

        public long getErrors() {
            return stats.errors();
        }

        public int getInFlight() {
            return stats.inFlight();
        }

        public long getP50Micros() {
            return stats.p50Micros();
        }

        public long getP99Micros() {
            return stats.p99Micros();
        }
    }

    /** The streams of one method as an open-type composite: sent and received as the callee sees them. */
    final class StreamView {
        private final io.aldis.feature.rpc.api.StreamStats stats;

        StreamView(io.aldis.feature.rpc.api.StreamStats stats) {
            this.stats = stats;
        }

        public String getMethod() {
            return stats.method();
        }

        public long getOpened() {
            return stats.opened();
        }

        public long getOpen() {
            return stats.open();
        }

        public long getItemsSent() {
            return stats.itemsSent();
        }

        public long getBytesSent() {
            return stats.bytesSent();
        }

        public long getItemsReceived() {
            return stats.itemsReceived();
        }

        public long getBytesReceived() {
            return stats.bytesReceived();
        }

        public long getCancelled() {
            return stats.cancelled();
        }

        public long getFailed() {
            return stats.failed();
        }
    }
}
