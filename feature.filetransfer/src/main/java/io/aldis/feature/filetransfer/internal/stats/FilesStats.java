package io.aldis.feature.filetransfer.internal.stats;

import io.aldis.feature.filetransfer.internal.transfers.Transfer;
import io.aldis.feature.filetransfer.internal.transfers.Transfers;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MXBean over the feature's counters and transfers, and its registration in the platform MBean server. */
public final class FilesStats implements FilesMXBean, AutoCloseable {
    /** Where the MXBean is registered. */
    public static final String OBJECT_NAME = "io.aldis:type=feature,name=files";
    private static final System.Logger LOG = System.getLogger("io.aldis.files");

    private final FileCounters counters;
    private final Transfers transfers;
    private final MBeanServer server;
    private final ObjectName name;

    private FilesStats(FileCounters counters, Transfers transfers, MBeanServer server) throws JMException {
        this.counters = counters;
        this.transfers = transfers;
        this.server = server;
        this.name = new ObjectName(OBJECT_NAME);
    }

    /** Registers the MXBean, replacing one left by an earlier instance; null when JMX refused it. */
    public static FilesStats register(FileCounters counters, Transfers transfers) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            FilesStats stats = new FilesStats(counters, transfers, server);
            if (server.isRegistered(stats.name)) {
                server.unregisterMBean(stats.name);
            }
            server.registerMBean(stats, stats.name);
            return stats;
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not register the file-transfer MBean", e);
            return null;
        }
    }

    @Override
    public long getRunning() {
        return transfers.all().stream().filter(t -> t.session() != null).count();
    }

    @Override
    public long getAtCheckpoint() {
        return transfers.all().stream().map(Transfer::session).filter(s -> s == null).count();
    }

    @Override
    public long getUploaded() {
        return counters.uploaded();
    }

    @Override
    public long getUploadedBytes() {
        return counters.uploadedBytes();
    }

    @Override
    public long getDownloaded() {
        return counters.downloaded();
    }

    @Override
    public long getDownloadedBytes() {
        return counters.downloadedBytes();
    }

    @Override
    public long getRemoved() {
        return counters.removed();
    }

    @Override
    public long getFailed() {
        return counters.failed();
    }

    @Override
    public void close() {
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            // already gone
        }
    }
}
