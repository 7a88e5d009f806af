package io.aldis.itest.support;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * Frames over the JDK's own WebSocket client ({@code java.net.http}), an implementation
 * independent of Netty that answers WebSocket pings by itself, as a browser does: one frame per
 * binary message, subprotocol {@code aldis.v1}. It needs nothing but the JDK, so it also works in
 * an OSGi test probe while the node's transport bundles come and go.
 */
public final class JdkWsFrameTransport implements FrameTransport {

    /** The status and reason of the close frame the listener sent. */
    public record CloseInfo(int status, String reason) {
    }

    private static final Object END = new Object();
    private final BlockingQueue<Object> inbound = new LinkedBlockingQueue<>();
    /** Completes when the listener closes the WebSocket, or exceptionally when the connection fails. */
    public final CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
    private final WebSocket socket;
    /** The JDK client allows one send at a time: each send starts when the previous one is done. */
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
    private volatile Predicate<byte[]> onArrival = message -> false;

    private JdkWsFrameTransport(WebSocket.Builder builder, URI uri) throws IOException {
        try {
            socket = builder.subprotocols("aldis.v1").buildAsync(uri, new Receiver()).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("cannot open " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Opens a WebSocket to {@code uri}, such as {@code ws://127.0.0.1:7441/aldis}. */
    public static JdkWsFrameTransport open(URI uri) throws IOException {
        return new JdkWsFrameTransport(HttpClient.newHttpClient().newWebSocketBuilder(), uri);
    }

    /** Opens a {@code wss:} WebSocket that trusts what {@code tls} trusts. */
    public static JdkWsFrameTransport open(URI uri, SSLContext tls) throws IOException {
        return new JdkWsFrameTransport(HttpClient.newBuilder().sslContext(tls).build().newWebSocketBuilder(), uri);
    }

    /** The subprotocol the listener chose. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Sends one frame once the sends before it are done; the future completes when it is sent. */
    public CompletableFuture<?> sendAsync(byte[] frame) {
        ByteBuffer bytes = ByteBuffer.wrap(frame);
        synchronized (this) {
            CompletableFuture<?> next = lastSend.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> socket.sendBinary(bytes, true));
            lastSend = next;
            return next;
        }
    }

    /**
     * Lets {@code handled} see every message as it arrives, on the WebSocket's own thread and
     * before any read; the messages it accepts are not queued for reads.
     */
    public void onArrival(Predicate<byte[]> handled) {
        this.onArrival = handled;
    }

    @Override
    public void write(byte[] frame) throws IOException {
        try {
            sendAsync(frame).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        } catch (Exception e) {
            throw new IOException("send failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void flush() {
        // every message is sent whole
    }

    @Override
    public void sendRaw(byte[] bytes) throws IOException {
        write(bytes);
    }

    @Override
    public byte[] receive(int timeoutMillis) throws IOException {
        Object next;
        try {
            next = inbound.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException();
        }
        if (next == null) {
            throw new SocketTimeoutException("no message within " + timeoutMillis + " ms");
        }
        if (next == END) {
            inbound.add(END);
            throw new EOFException("the listener closed the WebSocket: " + closed.getNow(null));
        }
        if (next instanceof AssertionError error) {
            throw error;
        }
        return (byte[]) next;
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
                byte[] whole = message.toByteArray();
                message.reset();
                if (!onArrival.test(whole)) {
                    inbound.add(whole);
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
