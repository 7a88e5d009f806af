package io.aldis.itest.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client written against RFC 6455 directly, with no client library in the way, so
 * tests can send exactly the handshake and frames they want (no subprotocol, a foreign Origin,
 * fragments, oversize messages, silence) and see exactly what the listener answers.
 *
 * <p>It is the byte level under {@link WsFrameTransport}: a test that needs protocol frames opens
 * it with {@link #open()} and hands it to {@link FrameClient#over(FrameTransport)}, and can still
 * reach the WebSocket frames below (close status, pings, oversize headers) through this object.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The listener's answer to the upgrade request. */
    public record HttpAnswer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One WebSocket frame as read from the wire. */
    public record WsFrame(int opcode, boolean fin, byte[] payload) {
    }

    /** Thrown by {@link #readMessage()} when the listener sends a close frame. */
    public static final class Closed extends EOFException {
        private static final long serialVersionUID = 1L;
        public final int status;
        public final String reason;

        Closed(int status, String reason) {
            super("closed by the listener with " + status + " " + reason);
            this.status = status;
            this.reason = reason;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private HttpAnswer answer;
    private boolean answerPings = true;
    private int pingsSeen;

    public RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public RawWebSocket(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Sends an HTTP request as given (raw lines, CRLF added) and reads the answer's head and body. */
    public HttpAnswer request(String... lines) throws IOException {
        return requestWithBody("", lines);
    }

    /** The same with {@code body} after the head, exactly as given (the head states its length, if at all). */
    public HttpAnswer requestWithBody(String body, String... headLines) throws IOException {
        StringBuilder request = new StringBuilder();
        for (String line : headLines) {
            request.append(line).append("\r\n");
        }
        request.append("\r\n").append(body);
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        answer = readAnswer();
        return answer;
    }

    /**
     * Sends an upgrade request for {@code path}; {@code extraHeaders} such as
     * {@code Sec-WebSocket-Protocol} or {@code Origin} are added as given. On 101 the accept key
     * is checked.
     */
    public HttpAnswer upgrade(String path, Map<String, String> extraHeaders) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("GET " + path + " HTTP/1.1");
        lines.add("Host: 127.0.0.1:" + socket.getPort());
        lines.add("Upgrade: websocket");
        lines.add("Connection: Upgrade");
        lines.add("Sec-WebSocket-Key: " + key);
        lines.add("Sec-WebSocket-Version: 13");
        extraHeaders.forEach((name, value) -> lines.add(name + ": " + value));
        HttpAnswer result = request(lines.toArray(String[]::new));
        if (result.status() == 101 && !acceptKey(key).equals(result.header("Sec-WebSocket-Accept"))) {
            throw new IOException("wrong Sec-WebSocket-Accept: " + result.header("Sec-WebSocket-Accept"));
        }
        return result;
    }

    /** An upgrade on the default path with the Aldis subprotocol; fails unless the answer is 101. */
    public RawWebSocket open() throws IOException {
        return open("aldis.v1");
    }

    /**
     * An upgrade on the default path offering {@code subprotocols} (a comma-separated list, in the
     * client's order of preference); fails unless the answer is 101.
     */
    public RawWebSocket open(String subprotocols) throws IOException {
        HttpAnswer result = upgrade("/aldis", Map.of("Sec-WebSocket-Protocol", subprotocols));
        if (result.status() != 101) {
            throw new IOException("upgrade refused: " + result);
        }
        return this;
    }

    private static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpAnswer readAnswer() throws IOException {
        String statusLine = readLine();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        String body = "";
        String length = headers.get("content-length");
        if (length != null) {
            byte[] bytes = new byte[Integer.parseInt(length)];
            in.readFully(bytes);
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        return new HttpAnswer(status, headers, body);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed in the middle of the HTTP answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether to answer the listener's pings (true by default); false plays a dead client. */
    public void answerPings(boolean answer) {
        this.answerPings = answer;
    }

    public int pingsSeen() {
        return pingsSeen;
    }

    /** Sends one masked frame. */
    public void sendFrame(int opcode, boolean fin, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        byte[] mask = writeHeader(frame, opcode, fin, payload.length);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        synchronized (out) {
            frame.writeTo(out);
            out.flush();
        }
    }

    /**
     * Sends only the header of a masked frame announcing {@code payloadLength} bytes, and none of
     * the payload: what a peer does when it starts a large message.
     */
    public void sendHeader(int opcode, boolean fin, long payloadLength) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream(14);
        writeHeader(header, opcode, fin, payloadLength);
        synchronized (out) {
            header.writeTo(out);
            out.flush();
        }
    }

    /** Writes a frame header with the shortest length form and a random mask; returns the mask. */
    private static byte[] writeHeader(ByteArrayOutputStream frame, int opcode, boolean fin, long length) {
        frame.write((fin ? 0x80 : 0) | opcode);
        if (length < 126) {
            frame.write(0x80 | (int) length);
        } else if (length <= 0xFFFF) {
            frame.write(0x80 | 126);
            frame.write((int) (length >>> 8));
            frame.write((int) length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.write(mask, 0, 4);
        return mask;
    }

    /** Reads one frame, whatever it is. */
    public WsFrame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        if ((b1 & 0x80) != 0) {
            throw new IOException("the listener masked a frame");
        }
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new WsFrame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }

    /**
     * Reads the next complete data message (fragments joined), answering pings on the way if asked
     * to; throws {@link Closed} when a close frame arrives.
     */
    public WsFrame readMessage() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int opcode = -1;
        while (true) {
            WsFrame frame = readFrame();
            switch (frame.opcode()) {
                case PING -> {
                    pingsSeen++;
                    if (answerPings) {
                        sendFrame(PONG, true, frame.payload());
                    }
                }
                case PONG -> {
                }
                case CLOSE -> {
                    byte[] p = frame.payload();
                    int status = p.length >= 2 ? ((p[0] & 0xFF) << 8) | (p[1] & 0xFF) : 1005;
                    String reason = p.length > 2 ? new String(p, 2, p.length - 2, StandardCharsets.UTF_8) : "";
                    throw new Closed(status, reason);
                }
                default -> {
                    if (opcode < 0) {
                        opcode = frame.opcode();
                    }
                    message.writeBytes(frame.payload());
                    if (frame.fin()) {
                        return new WsFrame(opcode, true, message.toByteArray());
                    }
                }
            }
        }
    }

    /** Reads until the listener sends its close frame and returns it; fails if the socket ends first. */
    public Closed awaitClose() throws IOException {
        try {
            while (true) {
                readMessage();
            }
        } catch (Closed closed) {
            return closed;
        }
    }

    /** Whether the socket ends (end of stream or reset) before the read timeout. */
    public boolean endsWithinTimeout() throws IOException {
        try {
            while (in.read() >= 0) {
                // skip whatever is left
            }
            return true;
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    /** Whether the socket ends (end of stream or reset) with not one more byte before it. */
    public boolean endsWithNothingMore() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }

    public HttpAnswer answer() {
        return answer;
    }

    public void soTimeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
