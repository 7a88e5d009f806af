package io.aldis.node.core.internal;

import io.aldis.protocol.api.spi.config.ConfigValues;
import io.aldis.protocol.api.spi.config.InvalidConfigurationException;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The node's settings as plain values, so the node can be built without OSGi (tests, benchmarks).
 */
public record NodeSettings(String name, int heartbeatIntervalMillis, int authTimeoutMillis, int closeTimeoutMillis,
        int maxFrameSize, long maxFileSize, int maxChunkSize, int pauseHighWater, int pauseLowWater,
        int resumeTokenTtlSeconds, int authFailureDelayMillis, int authFailureMaxDelayMillis, int workerThreads,
        int maxResumeTokensPerUser, long pendingHighWaterBytes, long maxPendingBytes, int writeDeadlineMillis) {

    public NodeSettings {
        atLeast("heartbeatIntervalMillis", heartbeatIntervalMillis, 100);
        atLeast("authTimeoutMillis", authTimeoutMillis, 1);
        atLeast("closeTimeoutMillis", closeTimeoutMillis, 0);
        atLeast("maxFrameSize", maxFrameSize, 64);
        atLeast("maxFileSize", maxFileSize, 0);
        atLeast("maxChunkSize", maxChunkSize, 1);
        atLeast("pauseHighWater", pauseHighWater, 1);
        atLeast("pauseLowWater", pauseLowWater, 0);
        atLeast("resumeTokenTtlSeconds", resumeTokenTtlSeconds, 1);
        atLeast("authFailureDelayMillis", authFailureDelayMillis, 0);
        atLeast("authFailureMaxDelayMillis", authFailureMaxDelayMillis, 0);
        atLeast("workerThreads", workerThreads, 0);
        atLeast("maxResumeTokensPerUser", maxResumeTokensPerUser, 1);
        atLeast("pendingHighWaterBytes", pendingHighWaterBytes, 1);
        atLeast("maxPendingBytes", maxPendingBytes, 1);
        atLeast("writeDeadlineMillis", writeDeadlineMillis, 1);
        if (maxPendingBytes <= pendingHighWaterBytes) {
            throw new IllegalArgumentException("maxPendingBytes = " + maxPendingBytes
                    + ": must be above pendingHighWaterBytes (" + pendingHighWaterBytes + ")");
        }
        if (pauseLowWater >= pauseHighWater) {
            throw new IllegalArgumentException("pauseLowWater = " + pauseLowWater + ": must be below pauseHighWater ("
                    + pauseHighWater + ")");
        }
        if (maxChunkSize > maxFrameSize - 30) {
            throw new IllegalArgumentException("maxChunkSize = " + maxChunkSize + ": must leave 30 bytes of maxFrameSize ("
                    + maxFrameSize + ") for the CHUNK_DATA header");
        }
        if (authFailureMaxDelayMillis < authFailureDelayMillis) {
            throw new IllegalArgumentException("authFailureMaxDelayMillis = " + authFailureMaxDelayMillis
                    + ": must be at least authFailureDelayMillis (" + authFailureDelayMillis + ")");
        }
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(key + " = " + value + ": must be at least " + min);
        }
    }

    /** The defaults of {@link NodeConfig}. */
    public static NodeSettings defaults() {
        return new NodeSettings("aldis", 10_000, 10_000, 5_000, 1_048_576, 10L * 1024 * 1024 * 1024, 262_144,
                1_000, 250, 3_600, 250, 5_000, 0, ResumeTokens.DEFAULT_MAX_PER_USER, 4L << 20, 64L << 20, 10_000);
    }

    /** The keys of {@link NodeConfig}, the only ones a node configuration may have. */
    public static final Set<String> KEYS = Set.of("name", "heartbeatIntervalMillis", "authTimeoutMillis",
            "closeTimeoutMillis", "maxFrameSize", "maxFileSize", "maxChunkSize", "pauseHighWater", "pauseLowWater",
            "resumeTokenTtlSeconds", "authFailureDelayMillis", "authFailureMaxDelayMillis", "workerThreads",
            "maxResumeTokensPerUser", "pendingHighWaterBytes", "maxPendingBytes", "writeDeadlineMillis");

    /**
     * Settings read key by key from a configuration, each missing key taking its default.
     *
     * @throws InvalidConfigurationException naming the file, the key and the value of the first bad key
     */
    public static NodeSettings from(ConfigValues c) {
        NodeSettings d = defaults();
        int max = Integer.MAX_VALUE;
        String name = c.text("name", d.name());
        int nameBytes = utf8Length(name);
        if (nameBytes < 0 || nameBytes > MAX_NAME_BYTES) {
            // Every CONNECT_ACK carries the name: one too long for it fails every handshake, and a
            // lone surrogate reaches clients as '?'.
            throw c.invalid("name", name, "must be text of at most " + MAX_NAME_BYTES + " bytes in UTF-8");
        }
        try {
            return new NodeSettings(name,
                    c.integer("heartbeatIntervalMillis", d.heartbeatIntervalMillis(), 100, max),
                    c.integer("authTimeoutMillis", d.authTimeoutMillis(), 1, max),
                    c.integer("closeTimeoutMillis", d.closeTimeoutMillis(), 0, max),
                    c.integer("maxFrameSize", d.maxFrameSize(), 64, max),
                    c.number("maxFileSize", d.maxFileSize(), 0, Long.MAX_VALUE),
                    c.integer("maxChunkSize", d.maxChunkSize(), 1, max),
                    c.integer("pauseHighWater", d.pauseHighWater(), 1, max),
                    c.integer("pauseLowWater", d.pauseLowWater(), 0, max),
                    c.integer("resumeTokenTtlSeconds", d.resumeTokenTtlSeconds(), 1, max),
                    c.integer("authFailureDelayMillis", d.authFailureDelayMillis(), 0, max),
                    c.integer("authFailureMaxDelayMillis", d.authFailureMaxDelayMillis(), 0, max),
                    c.integer("workerThreads", d.workerThreads(), 0, max),
                    c.integer("maxResumeTokensPerUser", d.maxResumeTokensPerUser(), 1, max),
                    c.number("pendingHighWaterBytes", d.pendingHighWaterBytes(), 1, Long.MAX_VALUE),
                    c.number("maxPendingBytes", d.maxPendingBytes(), 1, Long.MAX_VALUE),
                    c.integer("writeDeadlineMillis", d.writeDeadlineMillis(), 1, max));
        } catch (InvalidConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // A rule between two keys; the message names them and their values.
            throw new InvalidConfigurationException(c.source() + ": " + e.getMessage());
        }
    }

    /** The longest name, in bytes of UTF-8, as for the addresses a node announces. */
    static final int MAX_NAME_BYTES = 255;

    /** The length of {@code text} in UTF-8, or -1 when it has no UTF-8 form (a lone surrogate). */
    private static int utf8Length(String text) {
        try {
            return StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(text)).remaining();
        } catch (CharacterCodingException e) {
            return -1;
        }
    }

    /** A copy with other heartbeat and auth timeouts. */
    public NodeSettings withTimeouts(int heartbeatMillis, int authTimeout) {
        return new NodeSettings(name, heartbeatMillis, authTimeout, closeTimeoutMillis, maxFrameSize, maxFileSize,
                maxChunkSize, pauseHighWater, pauseLowWater, resumeTokenTtlSeconds, authFailureDelayMillis,
                authFailureMaxDelayMillis, workerThreads, maxResumeTokensPerUser, pendingHighWaterBytes,
                maxPendingBytes, writeDeadlineMillis);
    }

    /** A copy with other flow-control water marks. */
    public NodeSettings withWaterMarks(int high, int low) {
        return new NodeSettings(name, heartbeatIntervalMillis, authTimeoutMillis, closeTimeoutMillis, maxFrameSize,
                maxFileSize, maxChunkSize, high, low, resumeTokenTtlSeconds, authFailureDelayMillis,
                authFailureMaxDelayMillis, workerThreads, maxResumeTokensPerUser, pendingHighWaterBytes,
                maxPendingBytes, writeDeadlineMillis);
    }

    /** A copy with other authentication throttling delays and token lifetime. */
    public NodeSettings withAuthLimits(int failureDelay, int failureMaxDelay, int tokenTtlSeconds) {
        return new NodeSettings(name, heartbeatIntervalMillis, authTimeoutMillis, closeTimeoutMillis, maxFrameSize,
                maxFileSize, maxChunkSize, pauseHighWater, pauseLowWater, tokenTtlSeconds, failureDelay,
                failureMaxDelay, workerThreads, maxResumeTokensPerUser, pendingHighWaterBytes, maxPendingBytes,
                writeDeadlineMillis);
    }

    /** A copy with another cap on resume tokens per user. */
    public NodeSettings withMaxResumeTokensPerUser(int max) {
        return new NodeSettings(name, heartbeatIntervalMillis, authTimeoutMillis, closeTimeoutMillis, maxFrameSize,
                maxFileSize, maxChunkSize, pauseHighWater, pauseLowWater, resumeTokenTtlSeconds, authFailureDelayMillis,
                authFailureMaxDelayMillis, workerThreads, max, pendingHighWaterBytes, maxPendingBytes,
                writeDeadlineMillis);
    }

    /**
     * A copy with other bounds on what a client leaves unread: reading stops at {@code highWater}
     * bytes, the connection is closed past {@code max} bytes or after {@code deadlineMillis} without
     * the client reading anything.
     */
    public NodeSettings withPendingLimits(long highWater, long max, int deadlineMillis) {
        return new NodeSettings(name, heartbeatIntervalMillis, authTimeoutMillis, closeTimeoutMillis, maxFrameSize,
                maxFileSize, maxChunkSize, pauseHighWater, pauseLowWater, resumeTokenTtlSeconds, authFailureDelayMillis,
                authFailureMaxDelayMillis, workerThreads, maxResumeTokensPerUser, highWater, max, deadlineMillis);
    }
}
