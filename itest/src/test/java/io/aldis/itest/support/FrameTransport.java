package io.aldis.itest.support;

import java.io.IOException;

/**
 * How a {@link FrameClient} moves encoded frames (from the type byte on, as docs/protocol.md §3
 * lays them out) to and from the node. Each transport adds only its own framing: a length prefix
 * on TCP, one binary message per frame on WebSocket.
 *
 * <p>A transport reports the end of the connection as an {@link java.io.EOFException} (the peer
 * closed, or sent a WebSocket close) or a {@link java.net.SocketException} (a reset), and a wait
 * that ran out as a {@link java.net.SocketTimeoutException}.
 */
public interface FrameTransport extends AutoCloseable {

    /** Queues one frame without pushing it to the wire yet. */
    void write(byte[] frame) throws IOException;

    /** Pushes everything written so far to the wire. */
    void flush() throws IOException;

    /** Sends bytes exactly as given, with no framing of the transport's own: for forged input. */
    void sendRaw(byte[] bytes) throws IOException;

    /**
     * The next frame the node sent, waiting at most {@code timeoutMillis}.
     *
     * @throws java.net.SocketTimeoutException if nothing arrived in time
     * @throws java.io.EOFException if the node closed the connection
     */
    byte[] receive(int timeoutMillis) throws IOException;

    @Override
    void close() throws IOException;
}
