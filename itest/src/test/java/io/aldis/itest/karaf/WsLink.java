package io.aldis.itest.karaf;

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
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare protocol session over the JDK's WebSocket client ({@code java.net.http}), as a browser
 * would open one: one frame per binary message, subprotocol {@code aldis.v1}. It has no client
 * logic beyond answering the node's PINGs, so a test sees every other frame the node sends.
 *
 * <p>Only the JDK and the API bundle's frames and codec are used: nothing of the WebSocket
 * transport's bundles, which a test may uninstall under an open link.
 */
final class WsLink implements AutoCloseable {

    /** The status and reason of the close frame the node sent. */
    record CloseInfo(int status, String reason) {
    }

    private static final Object END = new Object();

    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    /** Completes when the node closes the WebSocket (or the connection fails). */
    final CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
    private final WebSocket socket;
    /** The JDK client allows one send at a time: each send starts when the previous one is done. */
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);

    private WsLink(URI uri) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("aldis.v1")
                .buildAsync(uri, new Receiver())
                .get(30, TimeUnit.SECONDS);
    }

    /** Opens the WebSocket; fails if the listener refuses the upgrade or nothing listens. */
    static WsLink open(int port, String path) throws Exception {
        return new WsLink(URI.create("ws://127.0.0.1:" + port + path));
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    CompletableFuture<?> sendAsync(Frame frame) {
        ByteBuffer bytes = ByteBuffer.wrap(encode(frame));
        synchronized (this) {
            CompletableFuture<?> next = lastSend.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> socket.sendBinary(bytes, true));
            lastSend = next;
            return next;
        }
    }

    void send(Frame frame) throws Exception {
        sendAsync(frame).get(30, TimeUnit.SECONDS);
    }

    /** The next frame other than a PING, waiting up to 30 s; fails if the node closed the WebSocket. */
    Frame read() throws Exception {
        Object next = inbound.poll(30, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no frame from the node within 30 s");
        }
        if (next == END) {
            inbound.add(END);
            throw new AssertionError("the node closed the WebSocket: " + closed.getNow(null));
        }
        if (next instanceof AssertionError error) {
            throw error;
        }
        return (Frame) next;
    }

    /** Reads until a frame of the type arrives, skipping others; an ERROR fails the test. */
    @SuppressWarnings("unchecked")
    <T extends Frame> T readUntil(FrameType type) throws Exception {
        while (true) {
            Frame frame = read();
            if (frame.type() == type) {
                return (T) frame;
            }
            if (frame instanceof ErrorFrame error) {
                throw new AssertionError("node answered " + error + " while waiting for " + type);
            }
        }
    }

    /** CONNECT asking for pub/sub, then a whole SCRAM-SHA-256 exchange with the server's proof checked. */
    ConnectAck login(String user, String password) throws Exception {
        return login(user, password, Capability.maskOf(EnumSet.of(Capability.PUBSUB, Capability.MESSAGES,
                Capability.RESUME_TOKEN)));
    }

    /** CONNECT announcing {@code capabilities}, then a whole SCRAM-SHA-256 exchange with the server's proof checked. */
    ConnectAck login(String user, String password, long capabilities) throws Exception {
        send(new Connect(ProtocolVersion.V1, capabilities, UUID.randomUUID(), "", "karaf-itest-ws"));
        ConnectAck ack = readUntil(FrameType.CONNECT_ACK);
        ScramClient scram = new ScramClient(user, password.toCharArray());
        send(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
        AuthChallenge challenge = readUntil(FrameType.AUTH_CHALLENGE);
        send(new AuthResponse(scram.clientFinalMessage(challenge.data())));
        AuthOk ok = readUntil(FrameType.AUTH_OK);
        scram.verifyServerFinal(ok.data());
        if (!user.equals(ok.user())) {
            throw new AssertionError("authenticated as " + ok.user() + ", not " + user);
        }
        return ack;
    }

    @Override
    public void close() {
        socket.abort();
    }

    private static byte[] encode(Frame frame) {
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

    private static Frame decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return FrameCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    private final class Receiver implements WebSocket.Listener {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            message.writeBytes(bytes);
            if (last) {
                Frame frame = decode(message.toByteArray());
                message.reset();
                if (frame instanceof Ping ping) {
                    sendAsync(new Pong(ping.nonce()));
                } else {
                    inbound.add(frame);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            inbound.add(new AssertionError("the node sent a text message: " + data));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new CloseInfo(statusCode, reason));
            inbound.add(END);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
            inbound.add(END);
        }
    }
}
