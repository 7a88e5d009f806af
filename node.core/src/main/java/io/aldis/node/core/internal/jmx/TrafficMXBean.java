package io.aldis.node.core.internal.jmx;

import java.util.List;

/** JMX view of the node's traffic per transport ({@code io.aldis:type=traffic,name=<node name>}). */
public interface TrafficMXBean {
    /** Frames and bytes received and sent per transport since the node started, ended sessions included. */
    List<TrafficRow> getTransports();
}
