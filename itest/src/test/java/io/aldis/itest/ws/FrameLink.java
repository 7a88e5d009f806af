package io.aldis.itest.ws;

import io.aldis.itest.support.RawWebSocket;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.scram.ScramClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A client that speaks protocol frames over one transport with no client logic, so the same
 * test steps (CONNECT, SCRAM, PING, ...) run over TCP and over WebSocket.
 */
abstract class FrameLink implements AutoCloseable {

    abstract void send(Frame frame) throws IOException;

    /** The next frame from the node. */
    abstract Frame read() throws IOException;

    static byte[] encode(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    static Frame decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return FrameCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    /** Reads frames until one of the given type arrives, answering the node's PINGs on the way. */
    @SuppressWarnings("unchecked")
    <T extends Frame> T readUntil(FrameType type) throws IOException {
        // The node's PINGs keep the link busy, so a read timeout alone would never fire.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            Frame frame = read();
            if (frame.type() == type) {
                return (T) frame;
            }
            if (frame instanceof Ping ping) {
                send(new Pong(ping.nonce()));
            } else if (frame.type() == FrameType.ERROR) {
                throw new AssertionError("node answered " + frame + " while waiting for " + type);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new java.net.SocketTimeoutException("no " + type + " within 15 s");
            }
        }
    }

    /** CONNECT announcing every capability but LZ4, as the Java client does by default. */
    ConnectAck connect(String clientName) throws IOException {
        send(new Connect(ProtocolVersion.V1, Capability.maskOf(EnumSet.complementOf(EnumSet.of(Capability.LZ4))),
                UUID.randomUUID(), "", clientName));
        return readUntil(FrameType.CONNECT_ACK);
    }

    /** CONNECT and a whole SCRAM-SHA-256 exchange; returns AUTH_OK after checking the server's proof. */
    AuthOk login(String user, String password) throws Exception {
        connect("ws-itest");
        return scram(user, password);
    }

    /** A whole SCRAM-SHA-256 exchange after CONNECT; returns AUTH_OK after checking the server's proof. */
    AuthOk scram(String user, String password) throws Exception {
        ScramClient scram = new ScramClient(user, password.toCharArray());
        send(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
        Frame challenge = read();
        if (challenge instanceof ErrorFrame error) {
            throw new AssertionError("SCRAM refused: " + error);
        }
        send(new AuthResponse(scram.clientFinalMessage(((AuthChallenge) challenge).data())));
        AuthOk ok = readUntil(FrameType.AUTH_OK);
        scram.verifyServerFinal(ok.data());
        return ok;
    }

    /** Frames over TCP with the 4-byte length prefix. */
    static final class Tcp extends FrameLink {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        Tcp(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        @Override
        synchronized void send(Frame frame) throws IOException {
            byte[] body = encode(frame);
            byte[] prefixed = new byte[body.length + 4];
            prefixed[0] = (byte) (body.length >>> 24);
            prefixed[1] = (byte) (body.length >>> 16);
            prefixed[2] = (byte) (body.length >>> 8);
            prefixed[3] = (byte) body.length;
            System.arraycopy(body, 0, prefixed, 4, body.length);
            out.write(prefixed);
            out.flush();
        }

        @Override
        Frame read() throws IOException {
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return decode(body);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** One frame per binary WebSocket message, over {@link RawWebSocket}. */
    static final class Ws extends FrameLink {
        final RawWebSocket socket;

        Ws(RawWebSocket socket) {
            this.socket = socket;
        }

        @Override
        void send(Frame frame) throws IOException {
            socket.sendFrame(RawWebSocket.BINARY, true, encode(frame));
        }

        @Override
        Frame read() throws IOException {
            RawWebSocket.WsFrame message = socket.readMessage();
            if (message.opcode() != RawWebSocket.BINARY) {
                throw new AssertionError("the node sent a non-binary message, opcode " + message.opcode());
            }
            return decode(message.payload());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
