package io.aldis.itest.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;

/**
 * Frames over {@link RawWebSocket} under the batched subprotocol {@code aldis.v1.batch}
 * (docs/protocol.md 2.2): every frame behind its 4-byte length prefix, as on TCP, and all the
 * frames written between two flushes in one masked binary message. A message from the node is
 * split into its frames; one that ends inside a frame fails the test, because the protocol
 * forbids it.
 */
public final class BatchedWsFrameTransport implements FrameTransport {
    /** The batched subprotocol. */
    public static final String SUBPROTOCOL = "aldis.v1.batch";

    private final RawWebSocket socket;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final Queue<byte[]> received = new ArrayDeque<>();
    private int messagesReceived;

    /** Frames over a WebSocket whose upgrade chose the batched subprotocol. */
    public BatchedWsFrameTransport(RawWebSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens {@code /aldis} on {@code port} of 127.0.0.1 offering {@code aldis.v1.batch} before
     * {@code aldis.v1}, as a client that speaks both does, and checks the node chose the first.
     */
    public static BatchedWsFrameTransport open(int port) throws IOException {
        RawWebSocket socket = new RawWebSocket(port).open(SUBPROTOCOL + ", aldis.v1");
        String chosen = socket.answer().header("Sec-WebSocket-Protocol");
        if (!SUBPROTOCOL.equals(chosen)) {
            socket.close();
            throw new IOException("the listener chose the subprotocol " + chosen + ", not " + SUBPROTOCOL);
        }
        return new BatchedWsFrameTransport(socket);
    }

    /** The WebSocket the frames travel on. */
    public RawWebSocket socket() {
        return socket;
    }

    /** How many binary messages the node's frames came in so far. */
    public int messagesReceived() {
        return messagesReceived;
    }

    @Override
    public void write(byte[] frame) throws IOException {
        pending.write(ByteBuffer.allocate(4).putInt(frame.length).array());
        pending.write(frame);
    }

    @Override
    public void flush() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        byte[] message = pending.toByteArray();
        pending.reset();
        socket.sendFrame(RawWebSocket.BINARY, true, message);
    }

    @Override
    public void sendRaw(byte[] bytes) throws IOException {
        socket.sendFrame(RawWebSocket.BINARY, true, bytes);
    }

    @Override
    public byte[] receive(int timeoutMillis) throws IOException {
        if (received.isEmpty()) {
            socket.soTimeout(Math.max(1, timeoutMillis));
            RawWebSocket.WsFrame message = socket.readMessage();
            if (message.opcode() != RawWebSocket.BINARY) {
                throw new AssertionError("the node sent a non-binary message, opcode " + message.opcode());
            }
            split(message.payload());
        }
        return received.remove();
    }

    private void split(byte[] message) {
        messagesReceived++;
        if (message.length == 0) {
            throw new AssertionError("the node sent an empty message");
        }
        ByteBuffer in = ByteBuffer.wrap(message);
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                throw new AssertionError("the node's message ends inside a length prefix");
            }
            int length = in.getInt();
            if (length < 2 || length > in.remaining()) {
                throw new AssertionError("the node's message ends inside a frame, or holds a bad prefix " + length);
            }
            int start = in.position();
            received.add(Arrays.copyOfRange(message, start, start + length));
            in.position(start + length);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
