package io.aldis.itest.pubsub;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.scram.ScramClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A raw frame client for pub/sub tests: it writes exactly the frames a test asks for and reads
 * what the node sends. Frames read while looking for another one are kept, in order, for later
 * lookups, so DELIVERs and answers can interleave freely; PINGs are answered on the way.
 */
final class Client implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    /** How long a test waits for a frame it expects. */
    static final int WAIT_MILLIS = 15_000;
    /** Well under the node's default heartbeat interval (10 s). */
    private static final long QUIET_PING_NANOS = 3_000_000_000L;
    /** The nonce of this client's own keep-alive PINGs, whose PONGs it drops. */
    private static final long OWN_PING = 0x6b656570616c6976L;

    private final Deque<Frame> kept = new ArrayDeque<>();
    /**
     * When this client last sent something. A peer that only reads gets no PING from a node that
     * keeps writing to it (the node pings when it has written nothing), so, like a real client, it
     * pings on its own after a quiet while; else a read lasting over two heartbeat intervals
     * (a slow run) ends in HEARTBEAT_TIMEOUT.
     */
    private long lastFlush = System.nanoTime();
    UUID sessionId;

    Client(int port, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(WAIT_MILLIS);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream(), 65_536);
    }

    void login(String user, String password) throws Exception {
        send(new Connect(ProtocolVersion.V1, Capability.maskOf(java.util.EnumSet.of(Capability.PUBSUB,
                Capability.MESSAGES, Capability.FLOW_CONTROL)), UUID.randomUUID(), "", "pubsub-test"));
        ConnectAck ack = (ConnectAck) next(f -> f instanceof ConnectAck);
        sessionId = ack.sessionId();
        ScramClient scram = new ScramClient(user, password.toCharArray());
        send(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
        AuthChallenge challenge = (AuthChallenge) next(f -> f instanceof AuthChallenge);
        send(new AuthResponse(scram.clientFinalMessage(challenge.data())));
        AuthOk ok = (AuthOk) next(f -> f instanceof AuthOk);
        scram.verifyServerFinal(ok.data());
    }

    /** Writes a frame without flushing. */
    void write(Frame frame) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeInt(0);
            FrameCodec.encode(frame, buf);
            buf.setInt(0, buf.readableBytes() - 4);
            buf.readBytes(out, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    void flush() throws IOException {
        out.flush();
        lastFlush = System.nanoTime();
    }

    void send(Frame frame) throws IOException {
        write(frame);
        flush();
    }

    /** SUBSCRIBE, then the node's answer to it: ACK or ERROR with the subscription id. */
    Frame subscribe(long id, String subject, String queueGroup, String options) throws IOException {
        send(new Subscribe(id, subject, queueGroup, options));
        return answerTo(id);
    }

    /** SUBSCRIBE that must succeed. */
    Ack subscribeOk(long id, String subject) throws IOException {
        return subscribeOk(id, subject, "", "");
    }

    Ack subscribeOk(long id, String subject, String queueGroup, String options) throws IOException {
        Frame answer = subscribe(id, subject, queueGroup, options);
        if (!(answer instanceof Ack ack)) {
            throw new AssertionError("subscribe " + subject + " answered " + answer);
        }
        return ack;
    }

    Frame unsubscribe(long id) throws IOException {
        send(new Unsubscribe(id));
        return answerTo(id);
    }

    /** The ACK or ERROR answering a request id. */
    Frame answerTo(long id) throws IOException {
        return next(f -> (f instanceof Ack a && a.requestId() == id) || (f instanceof ErrorFrame e && e.requestId() == id));
    }

    void publish(String subject, String text) throws IOException {
        send(new Publish(subject, "", Map.of(), text.getBytes(StandardCharsets.UTF_8)));
    }

    void publish(String subject, String replyTo, Map<String, String> headers, byte[] payload) throws IOException {
        send(new Publish(subject, replyTo, headers, payload));
    }

    /** The next DELIVER. */
    Deliver deliver() throws IOException {
        return (Deliver) next(f -> f instanceof Deliver);
    }

    /** The next DELIVER whose subject is the given one. */
    Deliver deliverOn(String subject) throws IOException {
        return (Deliver) next(f -> f instanceof Deliver d && d.subject().equals(subject));
    }

    /** The next ERROR. */
    ErrorFrame error() throws IOException {
        return (ErrorFrame) next(f -> f instanceof ErrorFrame);
    }

    /** The next frame of a type. */
    Frame next(FrameType type) throws IOException {
        return next(f -> f.type() == type);
    }

    /**
     * The first frame, kept or new, that matches; others read on the way are kept. Gives up after
     * {@link #WAIT_MILLIS} even while the node keeps the socket busy with PINGs or other frames.
     */
    Frame next(Predicate<Frame> wanted) throws IOException {
        for (Iterator<Frame> it = kept.iterator(); it.hasNext();) {
            Frame f = it.next();
            if (wanted.test(f)) {
                it.remove();
                return f;
            }
        }
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        while (true) {
            Frame f = read();
            if (wanted.test(f)) {
                return f;
            }
            kept.add(f);
            if (System.nanoTime() - deadline > 0) {
                throw new SocketTimeoutException("no wanted frame within " + WAIT_MILLIS + " ms; read meanwhile: " + kept);
            }
        }
    }

    /** The next frame from the socket (kept frames first), answering PINGs. */
    Frame nextAny() throws IOException {
        Frame f = kept.poll();
        return f != null ? f : read();
    }

    private Frame read() throws IOException {
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        while (true) {
            if (System.nanoTime() - lastFlush > QUIET_PING_NANOS) {
                send(new Ping(OWN_PING));
            }
            int length = in.readInt();
            byte[] body = new byte[length];
            in.readFully(body);
            ByteBuf buf = Unpooled.wrappedBuffer(body);
            Frame f;
            try {
                f = FrameCodec.decode(buf);
            } finally {
                buf.release();
            }
            boolean ownPong = f instanceof Pong pong && pong.nonce() == OWN_PING;
            if (ownPong || f instanceof Ping) {
                // Keep-alive traffic, not something a test waits for.
                if (f instanceof Ping ping) {
                    send(new Pong(ping.nonce()));
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new SocketTimeoutException("only PINGs and PONGs for " + WAIT_MILLIS + " ms");
                }
                continue;
            }
            return f;
        }
    }

    /** Whether the node closed the connection; frames still arriving are skipped. */
    boolean closedByNode() throws IOException {
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

    static String text(Deliver d) {
        return new String(d.payload(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
