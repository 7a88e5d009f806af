package io.aldis.feature.cluster.internal.stats;

import io.aldis.feature.cluster.internal.ClusterView;
import java.lang.management.ManagementFactory;
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
        return view.members().stream().filter(m -> !m.local()).mapToInt(ClusterView.MemberView::patterns).sum();
    }

    @Override
    public long getMessagesSent() {
        return view.totals().messagesSent();
    }

    @Override
    public long getBytesSent() {
        return view.totals().bytesSent();
    }

    @Override
    public long getMessagesReceived() {
        return view.totals().messagesReceived();
    }

    @Override
    public long getBytesReceived() {
        return view.totals().bytesReceived();
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
