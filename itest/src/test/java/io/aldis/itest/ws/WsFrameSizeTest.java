package io.aldis.itest.ws;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.RawWebSocket;
import io.aldis.itest.support.WsFrameTransport;
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
    private static final String USER = "alice";
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeFixture.builder().user(USER, "user").pubsub().tcp().ws().start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    /** The node's ERROR, then its close frame with 1009 and the end of the connection. */
    private static void assertRefusedAsTooLarge(FrameClient ws) throws Exception {
        Frame answer = ws.read();
        assertThat(answer).isInstanceOf(ErrorFrame.class);
        ErrorFrame error = (ErrorFrame) answer;
        assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
        assertThat(error.requestId()).isZero();
        assertThat(error.message()).contains("65536 bytes before authentication");
        RawWebSocket.Closed closed = socketOf(ws).awaitClose();
        assertThat(closed.status).isEqualTo(1009);
        assertThat(socketOf(ws).endsWithinTimeout()).isTrue();
    }

    @Test
    void beforeAuthenticationAFrameHeaderAnnouncingMoreThan64KiBIsRefusedWithoutItsPayload() throws Exception {
        try (FrameClient fresh = node.rawWs()) {
            // Only the header: a node that waited for the payload would answer nothing.
            socketOf(fresh).sendHeader(RawWebSocket.BINARY, true, 1_048_576);
            assertRefusedAsTooLarge(fresh);
        }
        try (FrameClient connected = node.rawWs()) {
            connected.connect(FrameClient.ALL_BUT_LZ4_AND_ADDRESSES, "", "before-auth");
            socketOf(connected).sendHeader(RawWebSocket.BINARY, true, FrameSizeLimit.HANDSHAKE + 1);
            assertRefusedAsTooLarge(connected);
        }
    }

    @Test
    void beforeAuthenticationAFragmentedMessageIsRefusedAtTheHeaderThatTakesItOver64KiB() throws Exception {
        try (FrameClient ws = node.rawWs()) {
            ws.connect(FrameClient.ALL_BUT_LZ4_AND_ADDRESSES, "", "fragments");
            socketOf(ws).sendFrame(RawWebSocket.BINARY, false, new byte[40_000]);
            socketOf(ws).sendHeader(RawWebSocket.CONTINUATION, true, 30_000);
            assertRefusedAsTooLarge(ws);
        }
    }

    @Test
    void beforeAuthenticationAFrameOfExactly64KiBIsRead() throws Exception {
        try (FrameClient ws = node.rawWs()) {
            ws.connect(FrameClient.ALL_BUT_LZ4_AND_ADDRESSES, "", "exactly");
            // A PING padded with fragments: one message of exactly 65536 bytes whose first 10 are the PING.
            byte[] ping = FrameClient.encode(new Ping(3));
            byte[] message = Arrays.copyOf(ping, FrameSizeLimit.HANDSHAKE);
            socketOf(ws).sendFrame(RawWebSocket.BINARY, true, message);
            // Its trailing bytes make the PING malformed: an answer about its content, not its size.
            ErrorFrame error = ws.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        }
    }

    @Test
    void afterAuthenticationA100KiBMessageIsAccepted() throws Exception {
        try (FrameClient ws = node.rawWs()) {
            ws.login(USER, PASSWORD);
            ws.send(new Subscribe(1, "big.one", "", ""));
            assertThat(ws.<Ack>await(FrameType.ACK).requestId()).isEqualTo(1);

            byte[] payload = new byte[100 * 1024];
            Arrays.fill(payload, (byte) 7);
            payload[payload.length - 1] = 9;
            ws.send(new Publish("big.one", "", Map.of(), payload));
            Deliver delivered = ws.await(FrameType.DELIVER);
            assertThat(delivered.payload()).isEqualTo(payload);

            ws.send(new Ping(8));
            assertThat(ws.<Pong>await(FrameType.PONG).nonce()).isEqualTo(8);
        }
    }

    @Test
    void afterAuthenticationAHeaderAboveTheAnnouncedMaximumIsRefusedToo() throws Exception {
        try (FrameClient ws = node.rawWs()) {
            ws.login(USER, PASSWORD);
            socketOf(ws).sendHeader(RawWebSocket.BINARY, true, 1_048_577);
            ErrorFrame error = (ErrorFrame) ws.read();
            assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(error.message()).isEqualTo("frame length 1048577 exceeds the maximum of 1048576 bytes");
            assertThat(socketOf(ws).awaitClose().status).isEqualTo(1009);
        }
    }

    private static RawWebSocket socketOf(FrameClient client) {
        return client.transport(WsFrameTransport.class).socket();
    }
}
