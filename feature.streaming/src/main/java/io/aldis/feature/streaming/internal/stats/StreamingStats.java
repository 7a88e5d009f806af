package io.aldis.feature.streaming.internal.stats;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MXBean over a {@link StreamingView}, and its registration in the platform MBean server. */
public final class StreamingStats implements StreamingMXBean, AutoCloseable {
    /** Where the MXBean is registered. */
    public static final String OBJECT_NAME = "io.aldis:type=feature,name=streaming";
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    private final StreamingView view;
    private final MBeanServer server;
    private final ObjectName name;

    private StreamingStats(StreamingView view, MBeanServer server) throws JMException {
        this.view = view;
        this.server = server;
        this.name = new ObjectName(OBJECT_NAME);
    }

    /** Registers the MXBean, replacing one left over by an earlier instance; null when JMX refused it. */
    public static StreamingStats register(StreamingView view) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            StreamingStats stats = new StreamingStats(view, server);
            if (server.isRegistered(stats.name)) {
                server.unregisterMBean(stats.name);
            }
            server.registerMBean(stats, stats.name);
            return stats;
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not register the streaming MBean", e);
            return null;
        }
    }

    private long counter(String key) {
        return view.counters().getOrDefault(key, 0L);
    }

    @Override
    public long getOpen() {
        return counter("open");
    }

    @Override
    public long getAwaitingResume() {
        return counter("awaitingResume");
    }

    @Override
    public long getOpenedTotal() {
        return counter("openedTotal");
    }

    @Override
    public long getItemsSent() {
        return counter("itemsSent");
    }

    @Override
    public long getBytesSent() {
        return counter("bytesSent");
    }

    @Override
    public long getItemsReceived() {
        return counter("itemsReceived");
    }

    @Override
    public long getBytesReceived() {
        return counter("bytesReceived");
    }

    @Override
    public long getCreditExceeded() {
        return counter("creditExceeded");
    }

    @Override
    public long getCancelled() {
        return counter("cancelled");
    }

    @Override
    public long getFailed() {
        return counter("failed");
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
