package io.aldis.itest.support;

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
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.scram.ScramClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A protocol peer with no client logic: it sends exactly the frames a test names (or bytes, for
 * garbage) and shows exactly what the node answers, over any {@link FrameTransport} (TCP,
 * {@link RawWebSocket}, the JDK's WebSocket). Every socket-level test talks to the node through it.
 *
 * <p>Reading. {@link #read()} gives the next frame in arrival order. {@link #next(Predicate)} and
 * its overloads give the first frame that matches and keep the others, in order, for later reads,
 * so answers and deliveries may interleave freely. {@link #await(FrameType)} does the same but
 * fails at once on an ERROR nobody waits for. Every wait gives up after {@link #WAIT_MILLIS}
 * (see {@link #waitMillis(int)}) with a {@link SocketTimeoutException} that lists what arrived
 * meanwhile; a connection the node closed shows as an {@link EOFException} or
 * {@link SocketException}.
 *
 * <p>Heartbeats. By default the node's PINGs are answered and never shown, unless the caller
 * waits for a PING. {@link #answerPings(boolean) answerPings(false)} plays a peer that ignores
 * them (PINGs are then read like any frame). {@link #keepAlive(boolean) keepAlive(true)} also
 * sends a PING of its own after 3 s without sending, as a real client does, because a node that
 * keeps writing to a peer does not ping it; the PONGs to those are dropped.
 *
 * <p>It needs only the protocol API bundle and Netty's buffers, so the Pax Exam tests use it inside
 * the OSGi test probe too, over {@link JdkWsFrameTransport}.
 *
 * <pre>{@code
 * try (FrameClient c = node.raw()) {
 *     c.connect();
 *     c.scram("alice", NodeFixture.PASSWORD);
 *     c.send(new Subscribe(1, "a.b", "", ""));
 *     assertThat(c.answerTo(1)).isInstanceOf(Ack.class);
 *     c.expectSilence(200);
 * }
 * }</pre>
 */
public final class FrameClient implements AutoCloseable {
    /** How long a test waits for a frame it expects. */
    public static final int WAIT_MILLIS = 15_000;
    /**
     * The capabilities {@link #connect()} announces: all but LZ4, so that nothing reaches it
     * compressed unless a test asks for it, and NODE_ADDRESSES, so that a clustered node sends it
     * no frame it did not ask for (a test that wants the addresses adds the bit).
     */
    public static final long ALL_BUT_LZ4_AND_ADDRESSES = Capability.maskOf(EnumSet.complementOf(
            EnumSet.of(Capability.LZ4, Capability.NODE_ADDRESSES)));
    /** Well under the node's default heartbeat interval (10 s). */
    private static final long QUIET_PING_NANOS = 3_000_000_000L;
    /** The nonce of this client's own keep-alive PINGs, whose PONGs it drops. */
    private static final long OWN_PING = 0x6b656570616c6976L;

    private final FrameTransport transport;
    private final Deque<Frame> kept = new ArrayDeque<>();
    private final Object sending = new Object();
    private volatile boolean answerPings = true;
    private volatile boolean keepAlive;
    private volatile int waitMillis = WAIT_MILLIS;
    private volatile long lastSent = System.nanoTime();
    private ConnectAck connectAck;

    private FrameClient(FrameTransport transport) {
        this.transport = transport;
    }

    /** A client over a transport that is already connected. */
    public static FrameClient over(FrameTransport transport) {
        return new FrameClient(transport);
    }

    /** A client over TCP to {@code port} on 127.0.0.1. */
    public static FrameClient tcp(int port) throws IOException {
        return over(TcpFrameTransport.connect(port));
    }

    /** The transport, for checks below the frames (such as a WebSocket close status). */
    public FrameTransport transport() {
        return transport;
    }

    /** The transport as the type the test opened it with. */
    public <T extends FrameTransport> T transport(Class<T> type) {
        return type.cast(transport);
    }

    /** Whether the node's PINGs are answered and hidden (the default) or read like any other frame. */
    public FrameClient answerPings(boolean answer) {
        this.answerPings = answer;
        return this;
    }

    /** Whether to send PINGs of its own after a quiet while; off by default. */
    public FrameClient keepAlive(boolean on) {
        this.keepAlive = on;
        return this;
    }

    /**
     * How long each wait lasts, {@link #WAIT_MILLIS} unless set: a node that is busy swapping its
     * features may need longer.
     */
    public FrameClient waitMillis(int millis) {
        this.waitMillis = millis;
        return this;
    }

    /**
     * Over a {@link JdkWsFrameTransport}: answers the node's PINGs as they arrive, on the
     * WebSocket's own thread, even while the test reads nothing for a long time, as a browser
     * client does. Reads then never see a PING.
     */
    public FrameClient answerPingsOnArrival() {
        JdkWsFrameTransport push = transport(JdkWsFrameTransport.class);
        push.onArrival(bytes -> {
            if (decode(bytes) instanceof Ping ping) {
                push.sendAsync(encode(new Pong(ping.nonce())));
                return true;
            }
            return false;
        });
        return this;
    }

    // ---- sending

    /** Sends one frame. */
    public void send(Frame frame) throws IOException {
        synchronized (sending) {
            write(frame);
            flush();
        }
    }

    /** Several frames in one write where the transport allows it, so the node reads them together. */
    public void sendTogether(Frame... frames) throws IOException {
        synchronized (sending) {
            for (Frame frame : frames) {
                write(frame);
            }
            flush();
        }
    }

    /** Queues a frame without sending it yet; {@link #flush()} sends what is queued. */
    public void write(Frame frame) throws IOException {
        byte[] bytes = encode(frame);
        synchronized (sending) {
            transport.write(bytes);
        }
    }

    public void flush() throws IOException {
        synchronized (sending) {
            transport.flush();
        }
        lastSent = System.nanoTime();
    }

    /** Bytes exactly as given, with no framing added: for a forged length prefix or garbage. */
    public void sendBytes(byte[] bytes) throws IOException {
        synchronized (sending) {
            transport.sendRaw(bytes);
        }
        lastSent = System.nanoTime();
    }

    // ---- reading

    /** The next frame in arrival order (frames kept by earlier waits first). */
    public Frame read() throws IOException {
        Frame f = kept.poll();
        return f != null ? f : receive(frame -> false, deadline());
    }

    /**
     * The first frame, kept or new, that {@code wanted} accepts; frames read on the way are kept.
     *
     * @param <T> the type the caller knows {@code wanted} accepts
     * @throws SocketTimeoutException if none comes within {@link #WAIT_MILLIS}
     */
    @SuppressWarnings("unchecked")
    public <T extends Frame> T next(Predicate<Frame> wanted) throws IOException {
        return (T) next(wanted, "wanted frame", false);
    }

    /** The first frame, kept or new, of this class; others read on the way are kept. */
    public <T extends Frame> T next(Class<T> type) throws IOException {
        return type.cast(next(type::isInstance, type.getSimpleName(), false));
    }

    /** The first frame, kept or new, of this type; others read on the way are kept. */
    public Frame next(FrameType type) throws IOException {
        return next(f -> f.type() == type, type.name(), false);
    }

    /**
     * The first frame, kept or new, of this type; others read on the way are kept, but an ERROR
     * (unless an ERROR is awaited) fails at once with the node's answer in the message.
     */
    @SuppressWarnings("unchecked")
    public <T extends Frame> T await(FrameType type) throws IOException {
        return (T) next(f -> f.type() == type, type.name(), type != FrameType.ERROR);
    }

    /** {@link #await(FrameType)} by class. */
    public <T extends Frame> T await(Class<T> type) throws IOException {
        return type.cast(next(type::isInstance, type.getSimpleName(), !ErrorFrame.class.equals(type)));
    }

    private Frame next(Predicate<Frame> wanted, String what, boolean failOnError) throws IOException {
        for (Iterator<Frame> it = kept.iterator(); it.hasNext();) {
            Frame f = it.next();
            if (wanted.test(f)) {
                it.remove();
                return f;
            }
            failOnError(f, what, failOnError);
        }
        long deadline = deadline();
        while (true) {
            Frame f;
            try {
                f = receive(wanted, deadline);
            } catch (SocketTimeoutException none) {
                throw new SocketTimeoutException("no " + what + " within " + waitMillis + " ms; read meanwhile: " + kept);
            }
            if (wanted.test(f)) {
                return f;
            }
            failOnError(f, what, failOnError);
            kept.add(f);
        }
    }

    private static void failOnError(Frame f, String what, boolean failOnError) {
        if (failOnError && f instanceof ErrorFrame) {
            throw new AssertionError("node answered " + f + " while waiting for " + what);
        }
    }

    /**
     * Fails if the node sends any frame (its PINGs aside, when they are answered) within
     * {@code millis}, or closes the connection. Frames kept by earlier waits do not count.
     */
    public void expectSilence(int millis) throws IOException {
        try {
            Frame f = receive(frame -> false, System.nanoTime() + millis * 1_000_000L);
            throw new AssertionError("expected silence for " + millis + " ms, but the node sent " + f);
        } catch (SocketTimeoutException quiet) {
            // as expected
        } catch (EOFException | SocketException closed) {
            throw new AssertionError("expected silence for " + millis + " ms, but the node closed the connection");
        }
    }

    /**
     * Fails unless the node closes the connection without sending any further frame (a PING
     * included) within the wait.
     */
    public void expectClosed() throws IOException {
        if (!kept.isEmpty()) {
            throw new AssertionError("expected the node to close the connection, but it sent " + kept);
        }
        try {
            Frame frame = decode(transport.receive(waitMillis));
            throw new AssertionError("expected the node to close the connection, but it sent " + frame);
        } catch (EOFException | SocketException closed) {
            // as expected
        } catch (SocketTimeoutException open) {
            throw new AssertionError("the node left the connection open");
        }
    }

    /**
     * Whether the node closes the connection; frames it still sends (and kept ones) are skipped.
     * False once it has sent nothing for the whole wait.
     */
    public boolean closedByNode() throws IOException {
        kept.clear();
        try {
            while (true) {
                receive(frame -> false, deadline());
            }
        } catch (EOFException | SocketException closed) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    /**
     * The next frame off the wire. PINGs that {@code wanted} does not accept are answered and
     * dropped when {@link #answerPings} is on; PONGs to this client's own keep-alive PINGs are
     * always dropped.
     */
    private Frame receive(Predicate<Frame> wanted, long deadline) throws IOException {
        while (true) {
            if (keepAlive && System.nanoTime() - lastSent > QUIET_PING_NANOS) {
                send(new Ping(OWN_PING));
            }
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("nothing within " + waitMillis + " ms");
            }
            Frame f = decode(transport.receive((int) left));
            if (keepAlive && f instanceof Pong pong && pong.nonce() == OWN_PING) {
                continue;
            }
            if (answerPings && f instanceof Ping ping && !wanted.test(f)) {
                send(new Pong(ping.nonce()));
                continue;
            }
            return f;
        }
    }

    private long deadline() {
        return System.nanoTime() + waitMillis * 1_000_000L;
    }

    // ---- handshake and authentication (docs/protocol.md §4.1, §4.4)

    /** CONNECT announcing every capability but LZ4 and NODE_ADDRESSES, with no resume token; returns CONNECT_ACK. */
    public ConnectAck connect() throws IOException {
        return connect(ALL_BUT_LZ4_AND_ADDRESSES, "");
    }

    /** CONNECT announcing every capability but LZ4 and NODE_ADDRESSES, resuming with {@code resumeToken} ("" for none). */
    public ConnectAck connect(String resumeToken) throws IOException {
        return connect(ALL_BUT_LZ4_AND_ADDRESSES, resumeToken);
    }

    /** CONNECT announcing exactly {@code capabilities}. */
    public ConnectAck connect(long capabilities, String resumeToken) throws IOException {
        return connect(capabilities, resumeToken, "frame-client");
    }

    public ConnectAck connect(long capabilities, String resumeToken, String clientName) throws IOException {
        send(new Connect(ProtocolVersion.V1, capabilities, UUID.randomUUID(), resumeToken, clientName));
        connectAck = await(FrameType.CONNECT_ACK);
        return connectAck;
    }

    /** The CONNECT_ACK of the last {@link #connect}, or null before one. */
    public ConnectAck connectAck() {
        return connectAck;
    }

    /** The session id from the last CONNECT_ACK. */
    public UUID sessionId() {
        return connectAck.sessionId();
    }

    /**
     * A whole SCRAM-SHA-256 exchange after CONNECT; returns AUTH_OK once the node's proof is
     * checked, or throws {@link AuthRefused} with the ERROR the node sent.
     */
    public AuthOk scram(String user, String password) throws Exception {
        ScramClient scram = new ScramClient(user, password.toCharArray());
        send(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
        AuthChallenge challenge = authStep(AuthChallenge.class);
        send(new AuthResponse(scram.clientFinalMessage(challenge.data())));
        AuthOk ok = authStep(AuthOk.class);
        scram.verifyServerFinal(ok.data());
        if (!user.equals(ok.user())) {
            throw new AssertionError("authenticated as " + ok.user() + ", not " + user);
        }
        return ok;
    }

    /** A PLAIN login (RFC 4616) after CONNECT; returns AUTH_OK or throws {@link AuthRefused}. */
    public AuthOk plain(String user, String password) throws Exception {
        send(new AuthStart("PLAIN", ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        return authStep(AuthOk.class);
    }

    private <T extends Frame> T authStep(Class<T> expected) throws IOException, AuthRefused {
        Frame answer = read();
        if (answer instanceof ErrorFrame error) {
            throw new AuthRefused(error);
        }
        if (!expected.isInstance(answer)) {
            throw new AssertionError("expected " + expected.getSimpleName() + ", the node sent " + answer);
        }
        return expected.cast(answer);
    }

    /** CONNECT (every capability but LZ4 and NODE_ADDRESSES) and SCRAM; returns AUTH_OK. */
    public AuthOk login(String user, String password) throws Exception {
        return login(user, password, ALL_BUT_LZ4_AND_ADDRESSES);
    }

    /** CONNECT announcing {@code capabilities}, then SCRAM; returns AUTH_OK. */
    public AuthOk login(String user, String password, long capabilities) throws Exception {
        connect(capabilities, "");
        return scram(user, password);
    }

    /** Thrown when the node answers an authentication step with ERROR. */
    public static final class AuthRefused extends Exception {
        private static final long serialVersionUID = 1L;
        /** The node's answer. */
        public final transient ErrorFrame error;

        AuthRefused(ErrorFrame error) {
            super(error.toString());
            this.error = error;
        }
    }

    // ---- publish/subscribe steps (docs/protocol.md §6)

    /** SUBSCRIBE, then the node's answer to it: ACK or ERROR with the subscription id. */
    public Frame subscribe(long id, String subject, String queueGroup, String options) throws IOException {
        send(new Subscribe(id, subject, queueGroup, options));
        return answerTo(id);
    }

    /** A SUBSCRIBE that must be acknowledged. */
    public Ack subscribeOk(long id, String subject) throws IOException {
        return subscribeOk(id, subject, "", "");
    }

    public Ack subscribeOk(long id, String subject, String queueGroup, String options) throws IOException {
        Frame answer = subscribe(id, subject, queueGroup, options);
        if (!(answer instanceof Ack ack)) {
            throw new AssertionError("subscribe " + subject + " answered " + answer);
        }
        return ack;
    }

    /** UNSUBSCRIBE, then the node's ACK or ERROR. */
    public Frame unsubscribe(long id) throws IOException {
        send(new Unsubscribe(id));
        return answerTo(id);
    }

    /** The ACK or ERROR answering a request id. */
    public Frame answerTo(long id) throws IOException {
        return next(f -> (f instanceof Ack a && a.requestId() == id) || (f instanceof ErrorFrame e && e.requestId() == id));
    }

    /** PUBLISH of UTF-8 text with no reply subject or headers. */
    public void publish(String subject, String text) throws IOException {
        send(new Publish(subject, "", Map.of(), text.getBytes(StandardCharsets.UTF_8)));
    }

    public void publish(String subject, String replyTo, Map<String, String> headers, byte[] payload) throws IOException {
        send(new Publish(subject, replyTo, headers, payload));
    }

    /** The next DELIVER. */
    public Deliver deliver() throws IOException {
        return next(Deliver.class);
    }

    /** The next DELIVER on {@code subject}. */
    public Deliver deliverOn(String subject) throws IOException {
        return (Deliver) next(f -> f instanceof Deliver d && d.subject().equals(subject));
    }

    /** The next ERROR. */
    public ErrorFrame error() throws IOException {
        return next(ErrorFrame.class);
    }

    /** A DELIVER's payload as UTF-8 text. */
    public static String text(Deliver d) {
        return new String(d.payload(), StandardCharsets.UTF_8);
    }

    // ---- RPC steps (docs/protocol.md §7)

    /** RPC_REQUEST with JSON parameters. */
    public void call(long callId, String method, String json, int timeoutMillis) throws IOException {
        send(new RpcRequest(callId, timeoutMillis, method, json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The RPC_RESPONSE or RPC_ERROR answering {@code callId}. */
    public Frame callAnswer(long callId) throws IOException {
        return next(f -> f instanceof RpcResponse r && r.callId() == callId
                || f instanceof RpcError e && e.callId() == callId);
    }

    /** The result of {@code callId} as JSON text; fails if the call was answered with an error. */
    public String callResult(long callId) throws IOException {
        Frame f = callAnswer(callId);
        if (f instanceof RpcError e) {
            throw new AssertionError("call " + callId + " failed: " + e);
        }
        return new String(((RpcResponse) f).result(), StandardCharsets.UTF_8);
    }

    /** The RPC_ERROR answering {@code callId}; fails if the call succeeded. */
    public RpcError callError(long callId) throws IOException {
        Frame f = callAnswer(callId);
        if (f instanceof RpcResponse r) {
            throw new AssertionError("call " + callId + " succeeded: " + new String(r.result(), StandardCharsets.UTF_8));
        }
        return (RpcError) f;
    }

    // ---- bytes

    /** A frame's bytes, from the type byte on (no length prefix). */
    public static byte[] encode(Frame frame) {
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

    public static Frame decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return FrameCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    @Override
    public void close() throws IOException {
        transport.close();
    }
}
