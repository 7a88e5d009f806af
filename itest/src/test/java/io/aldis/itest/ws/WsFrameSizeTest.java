package io.aldis.itest.ws;

import io.aldis.itest.support.RawWebSocket;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The frame size limits of protocol section 2.3 on a WebSocket listener with the default 1 MiB
 * maximum: 64 KiB until the session is authenticated, decided from the WebSocket frame header
 * before any of the payload is sent, then the announced maximum.
 */
class WsFrameSizeTest {
    private static WsTestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = WsTestNode.start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    private static FrameLink.Ws rawLink() throws Exception {
        return new FrameLink.Ws(new RawWebSocket(node.wsPort()).open());
    }

    /** The node's ERROR, then its close frame with 1009 and the end of the connection. */
    private static void assertRefusedAsTooLarge(FrameLink.Ws ws) throws Exception {
        Frame answer = ws.read();
        assertThat(answer).isInstanceOf(ErrorFrame.class);
        ErrorFrame error = (ErrorFrame) answer;
        assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(error.requestId()).isZero();
        assertThat(error.message()).contains("65536 bytes before authentication");
        RawWebSocket.Closed closed = ws.socket.awaitClose();
        assertThat(closed.status).isEqualTo(1009);
        assertThat(ws.socket.endsWithinTimeout()).isTrue();
    }

    @Test
    void beforeAuthenticationAFrameHeaderAnnouncingMoreThan64KiBIsRefusedWithoutItsPayload() throws Exception {
        try (FrameLink.Ws fresh = rawLink()) {
            // Only the header: a node that waited for the payload would answer nothing.
            fresh.socket.sendHeader(RawWebSocket.BINARY, true, 1_048_576);
            assertRefusedAsTooLarge(fresh);
        }
        try (FrameLink.Ws connected = rawLink()) {
            connected.connect("before-auth");
            connected.socket.sendHeader(RawWebSocket.BINARY, true, FrameSizeLimit.HANDSHAKE + 1);
            assertRefusedAsTooLarge(connected);
        }
    }

    @Test
    void beforeAuthenticationAFragmentedMessageIsRefusedAtTheHeaderThatTakesItOver64KiB() throws Exception {
        try (FrameLink.Ws ws = rawLink()) {
            ws.connect("fragments");
            ws.socket.sendFrame(RawWebSocket.BINARY, false, new byte[40_000]);
            ws.socket.sendHeader(RawWebSocket.CONTINUATION, true, 30_000);
            assertRefusedAsTooLarge(ws);
        }
    }

    @Test
    void beforeAuthenticationAFrameOfExactly64KiBIsRead() throws Exception {
        try (FrameLink.Ws ws = rawLink()) {
            ws.connect("exactly");
            // A PING padded with fragments: one message of exactly 65536 bytes whose first 10 are the PING.
            byte[] ping = FrameLink.encode(new Ping(3));
            byte[] message = Arrays.copyOf(ping, FrameSizeLimit.HANDSHAKE);
            ws.socket.sendFrame(RawWebSocket.BINARY, true, message);
            // Its trailing bytes make the PING malformed: an answer about its content, not its size.
            ErrorFrame error = ws.readUntil(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        }
    }

    @Test
    void afterAuthenticationA100KiBMessageIsAccepted() throws Exception {
        try (FrameLink.Ws ws = rawLink()) {
            ws.login(WsTestNode.USER, WsTestNode.PASSWORD);
            ws.send(new Subscribe(1, "big.one", "", ""));
            assertThat(ws.<Ack>readUntil(FrameType.ACK).requestId()).isEqualTo(1);

            byte[] payload = new byte[100 * 1024];
            Arrays.fill(payload, (byte) 7);
            payload[payload.length - 1] = 9;
            ws.send(new Publish("big.one", "", Map.of(), payload));
            Deliver delivered = ws.readUntil(FrameType.DELIVER);
            assertThat(delivered.payload()).isEqualTo(payload);

            ws.send(new Ping(8));
            assertThat(ws.<Pong>readUntil(FrameType.PONG).nonce()).isEqualTo(8);
        }
    }

    @Test
    void afterAuthenticationAHeaderAboveTheAnnouncedMaximumIsRefusedToo() throws Exception {
        try (FrameLink.Ws ws = rawLink()) {
            ws.login(WsTestNode.USER, WsTestNode.PASSWORD);
            ws.socket.sendHeader(RawWebSocket.BINARY, true, 1_048_577);
            ErrorFrame error = (ErrorFrame) ws.read();
            assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(error.message()).isEqualTo("frame length 1048577 exceeds the maximum of 1048576 bytes");
            assertThat(ws.socket.awaitClose().status).isEqualTo(1009);
        }
    }
}
