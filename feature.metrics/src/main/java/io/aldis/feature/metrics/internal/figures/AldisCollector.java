package io.aldis.feature.metrics.internal.figures;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The node's figures at the moment of a scrape, read from the MBeans the node and its features
 * register: the counters stay where they are counted and JMX shows the same numbers. A feature
 * that is not installed simply has no figures.
 */
public final class AldisCollector implements MultiCollector {
    private final MBeanReader reader;
    private final RowFigures rows;

    public AldisCollector(MBeanServer server) {
        this.reader = new MBeanReader(server);
        this.rows = new RowFigures(reader);
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> out = new ArrayList<>();
        for (BeanFigures bean : Catalogue.ALL) {
            plain(bean, out);
        }
        rows.traffic(out);
        rows.listeners(out);
        rows.methods(out);
        return new MetricSnapshots(out);
    }

    private void plain(BeanFigures bean, List<MetricSnapshot> out) {
        List<ObjectName> names = reader.beans(bean.pattern());
        if (names.isEmpty()) {
            return;
        }
        for (Figure figure : bean.figures()) {
            Double value = sum(names, figure);
            if (value == null) {
                continue;
            }
            out.add(switch (figure.kind()) {
                case COUNTER -> CounterSnapshot.builder().name(figure.metric()).help(figure.help())
                        .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
                case GAUGE -> GaugeSnapshot.builder().name(figure.metric()).help(figure.help())
                        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
            });
        }
    }

    /** The figure added up over every matching bean; null when no bean has it. */
    private Double sum(List<ObjectName> names, Figure figure) {
        Double total = null;
        for (ObjectName name : names) {
            Number n = reader.number(name, figure.attribute(), figure.key());
            if (n != null) {
                total = (total == null ? 0 : total) + n.doubleValue();
            }
        }
        return total;
    }
}
