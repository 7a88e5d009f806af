package io.aldis.protocol.api.spi.node;

/**
 * The limits the node announced to one session in its CONNECT_ACK (docs/protocol.md section 4.3).
 * They hold for the session's whole life, even when the node's configuration changes meanwhile,
 * so a feature that splits data (stream items, file chunks) sizes it from these and not from the
 * node's current settings.
 *
 * @param maxFrameSize    the largest frame either side may send, in bytes
 * @param heartbeatMillis the heartbeat interval, in milliseconds
 * @param maxFileSize     the largest file the node accepts for upload, in bytes
 * @param maxChunkSize    the largest file chunk, in bytes
 */
public record SessionLimits(int maxFrameSize, int heartbeatMillis, long maxFileSize, int maxChunkSize) {
}
