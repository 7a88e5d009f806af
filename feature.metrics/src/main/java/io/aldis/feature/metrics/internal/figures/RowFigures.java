package io.aldis.feature.metrics.internal.figures;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * The figures kept per row of a listing: one data point per transport (label {@code transport}),
 * per listener (labels {@code transport}, {@code listener}) and per RPC method (label {@code method}).
 */
final class RowFigures {
    private static final double MICROS = 1e-6;

    private final MBeanReader reader;

    RowFigures(MBeanReader reader) {
        this.reader = reader;
    }

    void listeners(List<MetricSnapshot> out) {
        List<CompositeData> rows = new ArrayList<>();
        for (ObjectName bean : reader.beans("io.aldis:type=listeners,*")) {
            rows.addAll(reader.rows(bean, "Listeners"));
        }
        if (rows.isEmpty()) {
            return;
        }
        out.add(gauge("aldis_connections", "Open connections per listener", rows, RowFigures::listenerLabels,
                row -> number(row, "connections")));
        out.add(gauge("aldis_listener_max_connections", "Connections a listener accepts at once", rows,
                RowFigures::listenerLabels, row -> number(row, "maxConnections")));
        out.add(gauge("aldis_listener_up", "1 when the listener listens with its settings, 0 when it has a problem "
                + "(aldis:listener-list tells which)", rows, RowFigures::listenerLabels,
                row -> String.valueOf(row.get("problem")).isEmpty() ? 1 : 0));
    }

    void traffic(List<MetricSnapshot> out) {
        List<CompositeData> rows = new ArrayList<>();
        for (ObjectName bean : reader.beans("io.aldis:type=traffic,*")) {
            rows.addAll(reader.rows(bean, "Transports"));
        }
        if (rows.isEmpty()) {
            return;
        }
        out.add(counter("aldis_frames_received", "Frames received per transport", rows, "framesIn"));
        out.add(counter("aldis_frames_sent", "Frames sent per transport", rows, "framesOut"));
        out.add(counter("aldis_received_bytes", "Bytes received per transport", rows, "bytesIn"));
        out.add(counter("aldis_sent_bytes", "Bytes sent per transport", rows, "bytesOut"));
    }

    void methods(List<MetricSnapshot> out) {
        List<CompositeData> rows = new ArrayList<>();
        List<CompositeData> histograms = new ArrayList<>();
        for (ObjectName bean : reader.beans(Catalogue.RPC.pattern())) {
            rows.addAll(reader.rows(bean, "Methods"));
            histograms.addAll(reader.rows(bean, "LatencyHistograms"));
        }
        if (!rows.isEmpty()) {
            out.add(methodCounter("aldis_rpc_method_calls", "RPC calls finished per method, refused ones included",
                    rows, "calls"));
            out.add(methodCounter("aldis_rpc_method_errors",
                    "RPC calls per method that finished with an error, deadline or cancellation", rows, "errors"));
            out.add(gauge("aldis_rpc_method_in_flight", "RPC calls per method running now", rows,
                    RowFigures::methodLabels, row -> number(row, "inFlight")));
        }
        if (!histograms.isEmpty()) {
            HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("aldis_rpc_latency_seconds")
                    .help("RPC latency per method, from receipt to answer, of the calls that ran");
            for (CompositeData row : histograms) {
                latency.dataPoint(HistogramDataPointSnapshot.builder().labels(methodLabels(row))
                        .classicHistogramBuckets(buckets(row)).sum(number(row, "sumMicros") * MICROS).build());
            }
            out.add(latency.build());
        }
    }

    /**
     * A histogram row's buckets as the model takes them: the bounds in seconds with +Inf last, and
     * the calls in each bucket alone (JMX hands over counts below each bound, which only grow).
     */
    private static ClassicHistogramBuckets buckets(CompositeData row) {
        long[] boundsMicros = (long[]) row.get("boundsMicros");
        long[] below = (long[]) row.get("bucketCounts");
        double[] bounds = new double[boundsMicros.length + 1];
        long[] counts = new long[boundsMicros.length + 1];
        long previous = 0;
        for (int i = 0; i < boundsMicros.length; i++) {
            bounds[i] = boundsMicros[i] * MICROS;
            counts[i] = below[i] - previous;
            previous = below[i];
        }
        bounds[boundsMicros.length] = Double.POSITIVE_INFINITY;
        counts[boundsMicros.length] = (long) number(row, "count") - previous;
        return ClassicHistogramBuckets.of(bounds, counts);
    }

    private static CounterSnapshot methodCounter(String name, String help, List<CompositeData> rows, String item) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
        for (CompositeData row : rows) {
            counter.dataPoint(CounterDataPointSnapshot.builder().labels(methodLabels(row)).value(number(row, item))
                    .build());
        }
        return counter.build();
    }

    private static Labels methodLabels(CompositeData row) {
        return Labels.of("method", String.valueOf(row.get("method")));
    }

    private static Labels listenerLabels(CompositeData row) {
        return Labels.of("transport", String.valueOf(row.get("transport")), "listener", String.valueOf(row.get("name")));
    }

    private static CounterSnapshot counter(String name, String help, List<CompositeData> rows, String item) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
        for (CompositeData row : rows) {
            counter.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(Labels.of("transport", String.valueOf(row.get("transport")))).value(number(row, item))
                    .build());
        }
        return counter.build();
    }

    private static GaugeSnapshot gauge(String name, String help, List<CompositeData> rows,
            Function<CompositeData, Labels> labels, ToDoubleFunction<CompositeData> value) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
        for (CompositeData row : rows) {
            gauge.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.apply(row)).value(value.applyAsDouble(row))
                    .build());
        }
        return gauge.build();
    }

    private static double number(CompositeData row, String item) {
        return row.get(item) instanceof Number n ? n.doubleValue() : 0;
    }
}
