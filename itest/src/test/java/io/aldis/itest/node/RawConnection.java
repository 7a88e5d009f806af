package io.aldis.itest.node;

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
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.scram.ScramClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.EnumSet;
import java.util.UUID;

/**
 * A blocking socket that speaks frames with no client logic at all, so tests can send exactly
 * what they want, including garbage, and see exactly what the node answers.
 */
public final class RawConnection implements AutoCloseable {
    /** The capabilities {@link #connect()} announces. */
    public static final long ALL_BUT_LZ4 = Capability.maskOf(EnumSet.complementOf(EnumSet.of(Capability.LZ4)));

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawConnection(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Frames over a socket the caller opened, such as a TLS socket. */
    public RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void send(Frame frame) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeInt(0);
            FrameCodec.encode(frame, buf);
            buf.setInt(0, buf.readableBytes() - 4);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            sendBytes(bytes);
        } finally {
            buf.release();
        }
    }

    public void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame from the node. */
    public Frame read() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        try {
            return FrameCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    /** Reads frames until one of the given type arrives, answering PINGs on the way. */
    @SuppressWarnings("unchecked")
    public <T extends Frame> T readUntil(FrameType type) throws IOException {
        while (true) {
            Frame frame = read();
            if (frame.type() == type) {
                return (T) frame;
            }
            if (frame instanceof io.aldis.protocol.api.Ping ping) {
                send(new io.aldis.protocol.api.Pong(ping.nonce()));
            } else if (frame.type() == FrameType.ERROR && type != FrameType.ERROR) {
                throw new AssertionError("node answered " + frame + " while waiting for " + type);
            }
        }
    }

    /** Whether the node closed the connection: reading gives end-of-stream or a reset, skipping frames. */
    public boolean closedByNode() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException | SocketException closed) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    public ConnectAck connect() throws IOException {
        return connect("");
    }

    /** CONNECT announcing every capability but LZ4, as the Java client does by default. */
    public ConnectAck connect(String resumeToken) throws IOException {
        return connect(ALL_BUT_LZ4, resumeToken);
    }

    /** CONNECT announcing exactly {@code capabilities}. */
    public ConnectAck connect(long capabilities, String resumeToken) throws IOException {
        send(new Connect(ProtocolVersion.V1, capabilities, UUID.randomUUID(), resumeToken, "raw-test"));
        return readUntil(FrameType.CONNECT_ACK);
    }

    /** A whole SCRAM exchange; returns AUTH_OK, or throws with the ERROR the node sent. */
    public AuthOk scram(String user, String password) throws Exception {
        ScramClient scram = new ScramClient(user, password.toCharArray());
        send(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
        Frame challenge = read();
        if (challenge instanceof ErrorFrame error) {
            throw new AuthRefused(error);
        }
        send(new AuthResponse(scram.clientFinalMessage(((AuthChallenge) challenge).data())));
        Frame result = read();
        if (result instanceof ErrorFrame error) {
            throw new AuthRefused(error);
        }
        AuthOk ok = (AuthOk) result;
        scram.verifyServerFinal(ok.data());
        return ok;
    }

    /** Thrown when the node answers an authentication with ERROR. */
    public static final class AuthRefused extends Exception {
        private static final long serialVersionUID = 1L;
        public final transient ErrorFrame error;

        AuthRefused(ErrorFrame error) {
            super(error.toString());
            this.error = error;
        }
    }

    public void soTimeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
