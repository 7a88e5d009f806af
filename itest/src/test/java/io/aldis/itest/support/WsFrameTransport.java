package io.aldis.itest.support;

import java.io.IOException;

/**
 * Frames over {@link RawWebSocket}, one frame per masked binary message (docs/protocol.md §2.2).
 * The WebSocket itself stays reachable through {@link #socket()} for checks below the frames.
 */
public final class WsFrameTransport implements FrameTransport {
    private final RawWebSocket socket;

    /** Frames over a WebSocket whose upgrade already succeeded. */
    public WsFrameTransport(RawWebSocket socket) {
        this.socket = socket;
    }

    /** Opens {@code /aldis} on {@code port} of 127.0.0.1 with the subprotocol {@code aldis.v1}. */
    public static WsFrameTransport open(int port) throws IOException {
        return new WsFrameTransport(new RawWebSocket(port).open());
    }

    /** The WebSocket the frames travel on. */
    public RawWebSocket socket() {
        return socket;
    }

    @Override
    public void write(byte[] frame) throws IOException {
        socket.sendFrame(RawWebSocket.BINARY, true, frame);
    }

    @Override
    public void flush() {
        // every message is written whole
    }

    @Override
    public void sendRaw(byte[] bytes) throws IOException {
        socket.sendFrame(RawWebSocket.BINARY, true, bytes);
    }

    @Override
    public byte[] receive(int timeoutMillis) throws IOException {
        socket.soTimeout(Math.max(1, timeoutMillis));
        RawWebSocket.WsFrame message = socket.readMessage();
        if (message.opcode() != RawWebSocket.BINARY) {
            throw new AssertionError("the node sent a non-binary message, opcode " + message.opcode());
        }
        return message.payload();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
