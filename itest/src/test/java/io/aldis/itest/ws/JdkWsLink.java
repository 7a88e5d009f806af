package io.aldis.itest.ws;

import io.aldis.protocol.api.Frame;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * Protocol frames over the JDK's own WebSocket client ({@code java.net.http}), an implementation
 * independent of Netty: it answers pings by itself, like a browser.
 */
final class JdkWsLink extends FrameLink {
    /** The status and reason of the close frame the listener sent. */
    record CloseInfo(int status, String reason) {
    }

    private static final Object END = new Object();
    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    final CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
    final WebSocket socket;

    private JdkWsLink(WebSocket.Builder builder, URI uri) throws Exception {
        this.socket = builder.subprotocols("aldis.v1").buildAsync(uri, new Receiver()).get(10, TimeUnit.SECONDS);
    }

    static JdkWsLink open(URI uri) throws Exception {
        return new JdkWsLink(HttpClient.newHttpClient().newWebSocketBuilder(), uri);
    }

    static JdkWsLink open(URI uri, SSLContext tls) throws Exception {
        return new JdkWsLink(HttpClient.newBuilder().sslContext(tls).build().newWebSocketBuilder(), uri);
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    @Override
    void send(Frame frame) throws IOException {
        try {
            socket.sendBinary(ByteBuffer.wrap(encode(frame)), true).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("send failed", e);
        }
    }

    @Override
    Frame read() throws IOException {
        Object next;
        try {
            next = inbound.poll(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        if (next == null) {
            throw new IOException("no frame within 10 s");
        }
        if (next == END) {
            inbound.add(END);
            throw new EOFException("the listener closed the WebSocket");
        }
        if (next instanceof Error error) {
            throw error;
        }
        return (Frame) next;
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Receiver implements WebSocket.Listener {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            message.writeBytes(bytes);
            if (last) {
                inbound.add(decode(message.toByteArray()));
                message.reset();
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
