package io.aldis.feature.filetransfer.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The feature's settings, read key by key from {@link FilesConfig} in Karaf or built directly in tests.
 *
 * @param storageRoot                where files live; empty for the node's data directory
 * @param maxFileSize                largest file accepted, in bytes
 * @param chunkSize                  chunk size of downloads that leave it to the node
 * @param maxChunkSize               largest chunk
 * @param window                     chunks unacknowledged at once
 * @param userQuota                  bytes per user, 0 = none
 * @param globalQuota                bytes in all, 0 = none
 * @param checkpointRetentionSeconds how long stopped transfers may be resumed
 * @param workerThreads              threads for file I/O and hashing
 * @param maxTransfersPerSession     uploads and downloads running at once on one session
 * @param listRate                   LIST_REQUESTs per second one session may make, 0 = no limit
 * @param listBurst                  LIST_REQUESTs one session may make at once; 0 = one second's worth
 */
public record FilesSettings(String storageRoot, long maxFileSize, int chunkSize, int maxChunkSize, int window,
        long userQuota, long globalQuota, int checkpointRetentionSeconds, int workerThreads,
        int maxTransfersPerSession, double listRate, int listBurst) {

    /** The keys of {@link FilesConfig}. */
    public static final Set<String> KEYS = Set.of("storageRoot", "maxFileSize", "chunkSize", "maxChunkSize", "window",
            "userQuota", "globalQuota", "checkpointRetentionSeconds", "workerThreads",
            "maxTransfersPerSession", "listRate", "listBurst");

    public FilesSettings {
        storageRoot = storageRoot == null ? "" : storageRoot.trim();
        atLeast("maxFileSize", maxFileSize, 0);
        atLeast("chunkSize", chunkSize, 1);
        atLeast("maxChunkSize", maxChunkSize, 1);
        atLeast("window", window, 1);
        atLeast("userQuota", userQuota, 0);
        atLeast("globalQuota", globalQuota, 0);
        atLeast("checkpointRetentionSeconds", checkpointRetentionSeconds, 1);
        atLeast("workerThreads", workerThreads, 1);
        atLeast("maxTransfersPerSession", maxTransfersPerSession, 1);
        atLeast("listBurst", listBurst, 0);
        if (!(listRate >= 0) || Double.isInfinite(listRate)) {
            throw new IllegalArgumentException("listRate = " + listRate + ": must be a number of at least 0");
        }
        if (window > 65535) {
            throw new IllegalArgumentException("window = " + window + ": must be at most 65535");
        }
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " = " + value + ": must be at least " + min);
        }
    }

    /**
     * The default largest chunk: 1 MiB less 34 bytes, so that a chunk's frame with its length prefix
     * (4 bytes, then 30 of CHUNK_DATA's header) fills exactly 1 MiB, the largest buffer Netty's
     * default allocator pools. A larger one is allocated and zeroed afresh for every chunk, in the
     * sender that reads a chunk into its frame's buffer and in the receiver that gathers the frame.
     */
    public static final int DEFAULT_MAX_CHUNK_SIZE = (1 << 20) - 34;

    /** The defaults of {@link FilesConfig}, storing under {@code storageRoot}. */
    public static FilesSettings defaults(String storageRoot) {
        return new FilesSettings(storageRoot, 10L * 1024 * 1024 * 1024, 512 * 1024, DEFAULT_MAX_CHUNK_SIZE, 16, 0, 0,
                86400, 4,
                64, 50, 0);
    }

    /**
     * Settings read key by key, each missing key taking its default.
     *
     * @throws io.aldis.protocol.api.spi.config.InvalidConfigurationException naming the file, key and value
     */
    public static FilesSettings from(ConfigValues c) {
        FilesSettings d = defaults("");
        int max = Integer.MAX_VALUE;
        String storageRoot = c.text("storageRoot", "");
        try {
            Path.of(storageRoot);
        } catch (InvalidPathException e) {
            // The feature opens the root only when it starts: the JDK's exception would come then.
            throw c.invalid("storageRoot", storageRoot, "is not a path (it holds a character paths cannot hold)");
        }
        return new FilesSettings(storageRoot,
                c.number("maxFileSize", d.maxFileSize(), 0, Long.MAX_VALUE),
                c.integer("chunkSize", d.chunkSize(), 1, max),
                c.integer("maxChunkSize", d.maxChunkSize(), 1, max),
                c.integer("window", d.window(), 1, 65535),
                c.number("userQuota", d.userQuota(), 0, Long.MAX_VALUE),
                c.number("globalQuota", d.globalQuota(), 0, Long.MAX_VALUE),
                c.integer("checkpointRetentionSeconds", d.checkpointRetentionSeconds(), 1, max),
                c.integer("workerThreads", d.workerThreads(), 1, 256),
                c.integer("maxTransfersPerSession", d.maxTransfersPerSession(), 1, max),
                c.rate("listRate", d.listRate()),
                c.integer("listBurst", d.listBurst(), 0, max));
    }

    public FilesSettings withQuotas(long perUser, long global) {
        return new FilesSettings(storageRoot, maxFileSize, chunkSize, maxChunkSize, window, perUser, global,
                checkpointRetentionSeconds, workerThreads,
                maxTransfersPerSession, listRate, listBurst);
    }

    public FilesSettings withWindow(int chunks) {
        return new FilesSettings(storageRoot, maxFileSize, chunkSize, maxChunkSize, chunks, userQuota, globalQuota,
                checkpointRetentionSeconds, workerThreads,
                maxTransfersPerSession, listRate, listBurst);
    }

    public FilesSettings withMaxFileSize(long bytes) {
        return new FilesSettings(storageRoot, bytes, chunkSize, maxChunkSize,
                window, userQuota, globalQuota, checkpointRetentionSeconds, workerThreads,
                maxTransfersPerSession, listRate, listBurst);
    }

    public FilesSettings withChunkSizes(int chunk, int maxChunk) {
        return new FilesSettings(storageRoot, maxFileSize, chunk, maxChunk, window, userQuota, globalQuota,
                checkpointRetentionSeconds, workerThreads,
                maxTransfersPerSession, listRate, listBurst);
    }

    public FilesSettings withRetentionSeconds(int seconds) {
        return new FilesSettings(storageRoot, maxFileSize, chunkSize, maxChunkSize, window, userQuota, globalQuota,
                seconds, workerThreads, maxTransfersPerSession, listRate, listBurst);
    }

    public FilesSettings withMaxTransfersPerSession(int transfers) {
        return new FilesSettings(storageRoot, maxFileSize, chunkSize, maxChunkSize, window, userQuota, globalQuota,
                checkpointRetentionSeconds, workerThreads, transfers, listRate, listBurst);
    }

    /** LIST_REQUESTs per second and at once per session; a rate of 0 lifts the limit. */
    public FilesSettings withListRate(double perSecond, int burst) {
        return new FilesSettings(storageRoot, maxFileSize, chunkSize, maxChunkSize, window, userQuota, globalQuota,
                checkpointRetentionSeconds, workerThreads, maxTransfersPerSession, perSecond, burst);
    }
}
