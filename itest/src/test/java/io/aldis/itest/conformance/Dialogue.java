package io.aldis.itest.conformance;

import io.aldis.itest.node.RawConnection;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * One connection of a conformance rule: sends exactly the frames or bytes a step names and reads
 * what the node answers, strictly in order. The node's own heartbeat PINGs are answered and
 * skipped only once the connection has a session (after CONNECT_ACK); before that, any frame the
 * node sends is something a rule may be checking for.
 */
final class Dialogue implements AutoCloseable {
    private final RawConnection connection;
    private boolean sessionStarted;

    Dialogue(RawConnection connection) {
        this.connection = connection;
    }

    RawConnection connection() {
        return connection;
    }

    /** From now on the node's heartbeat PINGs are answered and skipped. */
    void sessionStarted() {
        sessionStarted = true;
    }

    void send(Frame frame) throws IOException {
        connection.send(frame);
    }

    /** Several frames in one write, so the node reads them together. */
    void sendTogether(Frame... frames) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            for (Frame frame : frames) {
                int start = buf.writerIndex();
                buf.writeInt(0);
                FrameCodec.encode(frame, buf);
                buf.setInt(start, buf.writerIndex() - start - 4);
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            connection.sendBytes(bytes);
        } finally {
            buf.release();
        }
    }

    void sendBytes(byte[] bytes) throws IOException {
        connection.sendBytes(bytes);
    }

    /** The next frame the node sends; fails if the node closes the connection instead. */
    Frame next() throws IOException {
        while (true) {
            Frame frame;
            try {
                frame = connection.read();
            } catch (EOFException | SocketException closed) {
                throw new AssertionError("the node closed the connection while a frame was expected");
            }
            if (sessionStarted && frame instanceof Ping ping) {
                connection.send(new Pong(ping.nonce()));
                continue;
            }
            return frame;
        }
    }

    /** Whether the node closed the connection without sending any further frame. */
    void expectClosed() throws IOException {
        connection.soTimeout(15_000);
        try {
            Frame frame = connection.read();
            throw new AssertionError("expected the node to close the connection, but it sent " + frame);
        } catch (EOFException | SocketException closed) {
            // as the rule says
        } catch (SocketTimeoutException open) {
            throw new AssertionError("the node left the connection open");
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
