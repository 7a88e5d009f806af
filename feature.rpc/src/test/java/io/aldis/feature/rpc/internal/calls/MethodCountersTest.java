package io.aldis.feature.rpc.internal.calls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MethodCountersTest {
    @Test
    void percentilesOfTheLatencyHistogram() {
        MethodCounters mc = new MethodCounters("a.b");
        for (int i = 1; i <= 100; i++) {
            mc.record(i * 1_000_000L, i % 10 == 0); // 1 ms .. 100 ms
        }
        var stats = mc.snapshot();
        assertThat(stats.calls()).isEqualTo(100);
        assertThat(stats.errors()).isEqualTo(10);
        assertThat(stats.p50Micros()).isBetween(47_000L, 53_000L);
        assertThat(stats.p99Micros()).isBetween(93_000L, 105_000L);
        for (long v : new long[] {0, 1, 7, 8, 9, 15, 16, 1000, 123_456_789}) {
            long back = MethodCounters.valueOf(MethodCounters.bucket(v));
            assertThat((double) Math.abs(back - v)).isLessThanOrEqualTo(Math.max(1, v * 0.07));
        }
    }

    @Test
    void theFixedBoundHistogramCountsExactlyTheCallsBelowEachBound() {
        MethodCounters mc = new MethodCounters("a.b");
        long[] latenciesMicros = {0, 31, 32, 33, 63, 64, 100, 1000, 1023, 1024, 5_000_000, 40_000_000};
        for (long micros : latenciesMicros) {
            mc.record(micros * 1000, false);
        }
        mc.recordRefused(); // refused before it ran: no latency

        LatencyHistogram histogram = mc.histogram();

        long[] bounds = LatencyHistogram.BOUNDS_MICROS;
        for (int b = 0; b < bounds.length; b++) {
            long bound = bounds[b];
            long below = java.util.Arrays.stream(latenciesMicros).filter(v -> v < bound).count();
            assertThat(histogram.bucketCounts()[b]).as("calls under %d µs", bound).isEqualTo(below);
        }
        assertThat(histogram.count()).isEqualTo(latenciesMicros.length);
        assertThat(histogram.sumMicros()).isEqualTo(java.util.Arrays.stream(latenciesMicros).sum());
    }

    @Test
    void everyBucketStartsAtItsLowestValue() {
        for (long v = 0; v < 70_000; v++) {
            int bucket = MethodCounters.bucket(v);
            assertThat(MethodCounters.lowOf(bucket)).isLessThanOrEqualTo(v);
            assertThat(MethodCounters.bucket(MethodCounters.lowOf(bucket))).isEqualTo(bucket);
        }
    }

    @Test
    void theConcurrencySlotsHoldTheLimit() {
        MethodCounters mc = new MethodCounters("a.b");
        assertThat(mc.tryEnter(2)).isTrue();
        assertThat(mc.tryEnter(2)).isTrue();
        assertThat(mc.tryEnter(2)).as("a third call over a limit of 2").isFalse();
        mc.exit();
        assertThat(mc.tryEnter(2)).isTrue();
        assertThat(mc.snapshot().inFlight()).isEqualTo(2);
    }
}
