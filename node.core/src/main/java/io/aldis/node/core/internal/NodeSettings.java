package io.aldis.node.core.internal;

/**
 * The node's settings as plain values, so the node can be built without OSGi (tests, benchmarks).
 */
public record NodeSettings(String name, int heartbeatIntervalMillis, int authTimeoutMillis, int closeTimeoutMillis,
        int maxFrameSize, long maxFileSize, int maxChunkSize, int pauseHighWater, int pauseLowWater,
        int resumeTokenTtlSeconds, int authFailureDelayMillis, int authFailureMaxDelayMillis, int workerThreads,
        int maxResumeTokensPerUser) {

    public NodeSettings {
        if (heartbeatIntervalMillis < 100) {
            throw new IllegalArgumentException("heartbeatIntervalMillis must be at least 100");
        }
        if (pauseLowWater < 0 || pauseLowWater >= pauseHighWater) {
            throw new IllegalArgumentException("pauseLowWater must be below pauseHighWater");
        }
        if (maxChunkSize > maxFrameSize - 30) {
            throw new IllegalArgumentException("maxChunkSize must leave 30 bytes of the frame for the CHUNK_DATA header");
        }
        if (authFailureDelayMillis < 0 || authFailureMaxDelayMillis < authFailureDelayMillis) {
            throw new IllegalArgumentException("authFailureMaxDelayMillis must be at least authFailureDelayMillis");
        }
        if (maxResumeTokensPerUser < 1) {
            throw new IllegalArgumentException("maxResumeTokensPerUser must be at least 1");
        }
    }

    /** The defaults of {@link NodeConfig}. */
    public static NodeSettings defaults() {
        return new NodeSettings("aldis", 10_000, 10_000, 5_000, 1_048_576, 10L * 1024 * 1024 * 1024, 262_144,
                1_000, 250, 3_600, 250, 5_000, 0, ResumeTokens.DEFAULT_MAX_PER_USER);
    }

    /** Settings read from the DS configuration. */
    public static NodeSettings from(NodeConfig c) {
        return new NodeSettings(c.name(), c.heartbeatIntervalMillis(), c.authTimeoutMillis(), c.closeTimeoutMillis(),
                c.maxFrameSize(), c.maxFileSize(), c.maxChunkSize(), c.pauseHighWater(), c.pauseLowWater(),
                c.resumeTokenTtlSeconds(), c.authFailureDelayMillis(), c.authFailureMaxDelayMillis(),
                c.workerThreads(), c.maxResumeTokensPerUser());
    }

    /** A copy with other heartbeat and auth timeouts. */
    public NodeSettings withTimeouts(int heartbeatMillis, int authTimeout) {
        return new NodeSettings(name, heartbeatMillis, authTimeout, closeTimeoutMillis, maxFrameSize, maxFileSize,
                maxChunkSize, pauseHighWater, pauseLowWater, resumeTokenTtlSeconds, authFailureDelayMillis,
                authFailureMaxDelayMillis, workerThreads, maxResumeTokensPerUser);
    }

    /** A copy with other flow-control water marks. */
    public NodeSettings withWaterMarks(int high, int low) {
        return new NodeSettings(name, heartbeatIntervalMillis, authTimeoutMillis, closeTimeoutMillis, maxFrameSize,
                maxFileSize, maxChunkSize, high, low, resumeTokenTtlSeconds, authFailureDelayMillis,
                authFailureMaxDelayMillis, workerThreads, maxResumeTokensPerUser);
    }

    /** A copy with other authentication throttling delays and token lifetime. */
    public NodeSettings withAuthLimits(int failureDelay, int failureMaxDelay, int tokenTtlSeconds) {
        return new NodeSettings(name, heartbeatIntervalMillis, authTimeoutMillis, closeTimeoutMillis, maxFrameSize,
                maxFileSize, maxChunkSize, pauseHighWater, pauseLowWater, tokenTtlSeconds, failureDelay,
                failureMaxDelay, workerThreads, maxResumeTokensPerUser);
    }

    /** A copy with another cap on resume tokens per user. */
    public NodeSettings withMaxResumeTokensPerUser(int max) {
        return new NodeSettings(name, heartbeatIntervalMillis, authTimeoutMillis, closeTimeoutMillis, maxFrameSize,
                maxFileSize, maxChunkSize, pauseHighWater, pauseLowWater, resumeTokenTtlSeconds, authFailureDelayMillis,
                authFailureMaxDelayMillis, workerThreads, max);
    }
}
