package io.aldis.feature.cluster.internal.stats;

import io.aldis.feature.cluster.internal.ClusterView;
import java.lang.management.ManagementFactory;
import java.util.function.ToLongFunction;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MXBean over the {@link ClusterView}, and its registration in the platform MBean server. */
public final class ClusterStats implements ClusterMXBean, AutoCloseable {
    /** Where the MXBean is registered. */
    public static final String OBJECT_NAME = "io.aldis:type=feature,name=cluster";
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");

    private final ClusterView view;
    private final MBeanServer server;
    private final ObjectName name;

    private ClusterStats(ClusterView view, MBeanServer server) throws JMException {
        this.view = view;
        this.server = server;
        this.name = new ObjectName(OBJECT_NAME);
    }

    /** Registers the MXBean, replacing one left by an earlier instance; null when JMX refused it. */
    public static ClusterStats register(ClusterView view) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ClusterStats stats = new ClusterStats(view, server);
            if (server.isRegistered(stats.name)) {
                server.unregisterMBean(stats.name);
            }
            server.registerMBean(stats, stats.name);
            return stats;
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not register the cluster MBean", e);
            return null;
        }
    }

    @Override
    public String getClusterName() {
        return view.clusterName();
    }

    @Override
    public String getProblem() {
        return view.problem();
    }

    @Override
    public int getMembers() {
        return view.members().size();
    }

    @Override
    public int getPeerPatterns() {
        return view.routes().stream().mapToInt(r -> r.interest().size()).sum();
    }

    @Override
    public long getMessagesSent() {
        return sum(ClusterView.RouteView::sent);
    }

    @Override
    public long getBytesSent() {
        return sum(ClusterView.RouteView::bytesSent);
    }

    @Override
    public long getMessagesReceived() {
        return sum(ClusterView.RouteView::received);
    }

    @Override
    public long getBytesReceived() {
        return sum(ClusterView.RouteView::bytesReceived);
    }

    private long sum(ToLongFunction<ClusterView.RouteView> figure) {
        return view.routes().stream().mapToLong(figure).sum();
    }

    @Override
    public void close() {
        try {
            server.unregisterMBean(name);
        } catch (JMException alreadyGone) {
            // another instance replaced it, or the server is going away
        }
    }
}
