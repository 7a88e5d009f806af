package io.aldis.feature.metrics.internal.figures;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.List;
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
        for (ObjectName bean : reader.beans(Catalogue.RPC.pattern())) {
            rows.addAll(reader.rows(bean, "Methods"));
        }
        if (rows.isEmpty()) {
            return;
        }
        CounterSnapshot.Builder calls = CounterSnapshot.builder().name("aldis_rpc_method_calls")
                .help("RPC calls finished per method, refused ones included");
        CounterSnapshot.Builder errors = CounterSnapshot.builder().name("aldis_rpc_method_errors")
                .help("RPC calls per method that finished with an error, deadline or cancellation");
        SummarySnapshot.Builder latency = SummarySnapshot.builder().name("aldis_rpc_latency_seconds")
                .help("RPC latency per method from receipt to answer: median and 99th percentile since the feature "
                        + "started, within about 6%");
        for (CompositeData row : rows) {
            Labels labels = Labels.of("method", String.valueOf(row.get("method")));
            long count = (long) number(row, "calls");
            calls.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(count).build());
            errors.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(number(row, "errors")).build());
            latency.dataPoint(SummaryDataPointSnapshot.builder().labels(labels).count(count)
                    .quantiles(Quantiles.of(new Quantile(0.5, number(row, "p50Micros") * MICROS),
                            new Quantile(0.99, number(row, "p99Micros") * MICROS)))
                    .build());
        }
        out.add(calls.build());
        out.add(errors.build());
        out.add(gauge("aldis_rpc_method_in_flight", "RPC calls per method running now", rows,
                row -> Labels.of("method", String.valueOf(row.get("method"))), row -> number(row, "inFlight")));
        out.add(latency.build());
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
            java.util.function.Function<CompositeData, Labels> labels, ToDoubleFunction<CompositeData> value) {
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
