package io.aldis.node.core.internal.jmx;

import io.aldis.node.core.internal.Node;
import java.util.List;

/** The {@link TrafficMXBean} over a node's traffic per transport. */
public final class NodeTraffic implements TrafficMXBean {
    private final Node node;

    public NodeTraffic(Node node) {
        this.node = node;
    }

    @Override
    public List<TrafficRow> getTransports() {
        return node.traffic().stream()
                .map(t -> new TrafficRow(t.transport(), t.framesIn(), t.framesOut(), t.bytesIn(), t.bytesOut()))
                .toList();
    }
}
