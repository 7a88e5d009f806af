package io.aldis.protocol.api.spi.node;

/**
 * Counters of one session.
 *
 * @param bytesIn       bytes received on its connection
 * @param bytesOut      bytes sent on its connection
 * @param framesIn      frames received
 * @param framesOut     frames sent
 * @param queuedBytes   inbound frames accepted but not yet handled: a count of frames, not bytes,
 *                      whatever the name says (renaming it would break this package's users)
 */
public record SessionStats(long bytesIn, long bytesOut, long framesIn, long framesOut, long queuedBytes) {
}
