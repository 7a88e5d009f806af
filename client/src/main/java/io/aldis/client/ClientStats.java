package io.aldis.client;

/**
 * Counters over the whole life of a client, across reconnects.
 *
 * @param pingsSent      PINGs this client sent because it had been quiet
 * @param pingsReceived  PINGs the node sent (each answered with a PONG)
 * @param pongsReceived  PONGs the node sent back
 * @param framesSent     every frame written, heartbeats and handshake included
 * @param framesReceived every frame read
 * @param reconnects     successful reconnects after a lost connection
 */
public record ClientStats(long pingsSent, long pingsReceived, long pongsReceived, long framesSent,
        long framesReceived, long reconnects) {
}
