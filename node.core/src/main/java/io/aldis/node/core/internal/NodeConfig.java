package io.aldis.node.core.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the node, PID {@code io.aldis.node} (file {@code etc/io.aldis.node.cfg}). */
@ObjectClassDefinition(name = "Aldis node", description = "Sessions, heartbeats, limits and flow control")
public @interface NodeConfig {
    @AttributeDefinition(description = "Node name reported in CONNECT_ACK, at most 255 bytes of UTF-8")
    String name() default "aldis";

    @AttributeDefinition(description = "Heartbeat interval in ms; a peer silent for two intervals is closed")
    int heartbeatIntervalMillis() default 10_000;

    @AttributeDefinition(description = "A connection that has not authenticated after this many ms is closed")
    int authTimeoutMillis() default 10_000;

    @AttributeDefinition(description = "How long a graceful close waits for CLOSE_ACK or for in-flight work, in ms")
    int closeTimeoutMillis() default 5_000;

    @AttributeDefinition(description = "Largest frame in bytes (a listener may lower it)")
    int maxFrameSize() default 1_048_576;

    @AttributeDefinition(description = "Largest file accepted by file transfer, in bytes")
    long maxFileSize() default 10L * 1024 * 1024 * 1024;

    @AttributeDefinition(description = "Largest file chunk, in bytes; at most maxFrameSize - 30 so a chunk fits one frame")
    int maxChunkSize() default 262_144;

    @AttributeDefinition(description = "Queued inbound frames per session at which the node sends PAUSE and stops reading")
    int pauseHighWater() default 1_000;

    @AttributeDefinition(description = "Queued inbound frames per session at which the node sends RESUME")
    int pauseLowWater() default 250;

    @AttributeDefinition(description = "Lifetime of resume tokens, in seconds")
    int resumeTokenTtlSeconds() default 3_600;

    @AttributeDefinition(description = "After a failed authentication, the next attempt for the same user or from the same address is judged no sooner than this, in ms; doubles with each further failure")
    int authFailureDelayMillis() default 250;

    @AttributeDefinition(description = "Cap of the authentication failure delay, in ms; also the longest an attempt waits for its turn (longer: refused unjudged). Keep it well below clients' handshake timeouts")
    int authFailureMaxDelayMillis() default 5_000;

    @AttributeDefinition(description = "Threads that run feature work off the network threads (0 = two per core)")
    int workerThreads() default 0;

    @AttributeDefinition(description = "Resume tokens kept per user; a new login beyond this drops the user's oldest token")
    int maxResumeTokensPerUser() default 100;

    @AttributeDefinition(description = "Bytes written for a client that it has not read yet at which the node stops reading from it, until it has read them down to half")
    long pendingHighWaterBytes() default 4L << 20;

    @AttributeDefinition(description = "Bytes written for a client that it has not read yet past which the node closes the connection at once (SLOW_CONSUMER)")
    long maxPendingBytes() default 64L << 20;

    @AttributeDefinition(description = "A client the node has stopped reading from that reads nothing of what waits for it for this many ms is closed (SLOW_CONSUMER)")
    int writeDeadlineMillis() default 10_000;
}
