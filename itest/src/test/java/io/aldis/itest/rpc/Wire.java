package io.aldis.itest.rpc;

import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.scram.ScramClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client socket that speaks raw frames: the test decides every frame it sends and sees every
 * frame the node answers. Frames read while waiting for another are kept for later reads; PINGs
 * are answered.
 */
final class Wire implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Deque<Frame> kept = new ArrayDeque<>();
    ConnectAck connectAck;

    Wire(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    synchronized void send(Frame frame) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeInt(0);
            FrameCodec.encode(frame, buf);
            buf.setInt(0, buf.readableBytes() - 4);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            out.write(bytes);
            out.flush();
        } finally {
            buf.release();
        }
    }

    /** Sends an RPC_REQUEST with JSON parameters. */
    void call(long callId, String method, String json, int timeoutMillis) throws IOException {
        send(new RpcRequest(callId, timeoutMillis, method, json.getBytes(StandardCharsets.UTF_8)));
    }

    private Frame readFrame() throws IOException {
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

    /** The first frame (kept or new) that matches; others read meanwhile are kept. */
    @SuppressWarnings("unchecked")
    <T extends Frame> T next(Predicate<Frame> wanted) throws IOException {
        for (Iterator<Frame> it = kept.iterator(); it.hasNext();) {
            Frame f = it.next();
            if (wanted.test(f)) {
                it.remove();
                return (T) f;
            }
        }
        // The node's PINGs keep the socket busy, so the read timeout alone would never fire.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            Frame f = readFrame();
            if (f instanceof Ping ping) {
                send(new Pong(ping.nonce()));
            } else if (wanted.test(f)) {
                return (T) f;
            } else {
                kept.add(f);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("no wanted frame within 15 s; read meanwhile: " + kept);
            }
        }
    }

    <T extends Frame> T next(Class<T> type) throws IOException {
        return next(type::isInstance);
    }

    /** The RPC_RESPONSE or RPC_ERROR answering {@code callId}. */
    Frame answer(long callId) throws IOException {
        return next(f -> f instanceof RpcResponse r && r.callId() == callId
                || f instanceof RpcError e && e.callId() == callId);
    }

    /** The result of {@code callId} as JSON text; fails if the call was answered with an error. */
    String result(long callId) throws IOException {
        Frame f = answer(callId);
        if (f instanceof RpcError e) {
            throw new AssertionError("call " + callId + " failed: " + e);
        }
        return new String(((RpcResponse) f).result(), StandardCharsets.UTF_8);
    }

    /** The error answering {@code callId}; fails if the call succeeded. */
    RpcError error(long callId) throws IOException {
        Frame f = answer(callId);
        if (f instanceof RpcResponse r) {
            throw new AssertionError("call " + callId + " succeeded: " + new String(r.result(), StandardCharsets.UTF_8));
        }
        return (RpcError) f;
    }

    ConnectAck connect() throws IOException {
        send(new Connect(ProtocolVersion.V1, Capability.RPC.mask(), UUID.randomUUID(), "", "rpc-test"));
        connectAck = next(ConnectAck.class);
        return connectAck;
    }

    AuthOk scram(String user, String password) throws Exception {
        ScramClient scram = new ScramClient(user, password.toCharArray());
        send(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
        AuthChallenge challenge = next(AuthChallenge.class);
        send(new AuthResponse(scram.clientFinalMessage(challenge.data())));
        AuthOk ok = next(AuthOk.class);
        scram.verifyServerFinal(ok.data());
        return ok;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
