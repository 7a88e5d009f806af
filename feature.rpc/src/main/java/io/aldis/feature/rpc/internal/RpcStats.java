package io.aldis.feature.rpc.internal;

import io.aldis.feature.rpc.api.MethodStats;
import io.aldis.feature.rpc.api.RpcRegistry;
import io.aldis.feature.rpc.internal.calls.LatencyHistogram;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MXBean over an {@link RpcRegistry}, and its registration in the platform MBean server. */
public final class RpcStats implements RpcStatsMXBean, AutoCloseable {
    /** Where the MXBean is registered. */
    public static final String OBJECT_NAME = "io.aldis:type=feature,name=rpc";

    private final RpcRegistry registry;
    private final Supplier<List<LatencyHistogram>> histograms;
    private final ObjectName name;
    private final MBeanServer server;

    private RpcStats(RpcRegistry registry, Supplier<List<LatencyHistogram>> histograms, MBeanServer server)
            throws JMException {
        this.registry = registry;
        this.histograms = histograms;
        this.server = server;
        this.name = new ObjectName(OBJECT_NAME);
    }

    /** Registers the MXBean over an engine's registry and histograms, replacing one left over by an earlier instance. */
    public static RpcStats register(RpcRegistry registry, Supplier<List<LatencyHistogram>> histograms) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            RpcStats stats = new RpcStats(registry, histograms, server);
            if (server.isRegistered(stats.name)) {
                server.unregisterMBean(stats.name);
            }
            server.registerMBean(stats, stats.name);
            return stats;
        } catch (JMException e) {
            RpcEngine.LOG.log(System.Logger.Level.WARNING, "Could not register the RPC MBean", e);
            return null;
        }
    }

    @Override
    public long getCalls() {
        return registry.stats().stream().mapToLong(MethodStats::calls).sum();
    }

    @Override
    public long getErrors() {
        return registry.stats().stream().mapToLong(MethodStats::errors).sum();
    }

    @Override
    public int getInFlight() {
        return registry.stats().stream().mapToInt(MethodStats::inFlight).sum();
    }

    @Override
    public int getServices() {
        return registry.services().size();
    }

    @Override
    public List<MethodView> getMethods() {
        return registry.stats().stream().map(MethodView::new).toList();
    }

    @Override
    public List<HistogramView> getLatencyHistograms() {
        return histograms.get().stream().map(HistogramView::new).toList();
    }

    @Override
    public List<StreamView> getStreams() {
        return registry.streamStats().stream().map(StreamView::new).toList();
    }

    @Override
    public void close() {
        try {
            server.unregisterMBean(name);
        } catch (JMException alreadyGone) {
            // nothing to undo
        }
    }
}
