package io.aldis.itest.ws;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.BatchedWsFrameTransport;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.RawWebSocket;
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
import io.aldis.transport.ws.internal.WsSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two WebSocket subprotocols of docs/protocol.md 2.2 side by side on one real node: a client
 * offering {@code aldis.v1.batch} gets several length-prefixed frames per message both ways, a
 * client offering only {@code aldis.v1} keeps one frame per message, and they talk to each other.
 */
class WsBatchTest {
    private static final String USER = "alice";
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeFixture.builder().user(USER, "user").pubsub().ws(WsSettings.plain("ws-batch", 0)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void theNodeChoosesTheFirstSubprotocolTheClientOffers() throws Exception {
        try (RawWebSocket both = new RawWebSocket(node.wsPort()).open("aldis.v1.batch, aldis.v1")) {
            assertThat(both.answer().header("Sec-WebSocket-Protocol")).isEqualTo("aldis.v1.batch");
        }
        try (RawWebSocket oldClient = new RawWebSocket(node.wsPort()).open("aldis.v1")) {
            assertThat(oldClient.answer().header("Sec-WebSocket-Protocol")).isEqualTo("aldis.v1");
        }
        try (RawWebSocket plainFirst = new RawWebSocket(node.wsPort()).open("aldis.v1, aldis.v1.batch")) {
            assertThat(plainFirst.answer().header("Sec-WebSocket-Protocol")).isEqualTo("aldis.v1");
        }
        try (RawWebSocket neither = new RawWebSocket(node.wsPort())) {
            RawWebSocket.HttpAnswer answer = neither.upgrade("/aldis", Map.of("Sec-WebSocket-Protocol", "mqtt"));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body()).contains("aldis.v1.batch or aldis.v1");
        }
    }

    @Test
    void aBatchingClientAndAOneFramePerMessageClientPublishToEachOther() throws Exception {
        try (FrameClient batched = node.rawWsBatched(); FrameClient single = node.rawWs()) {
            batched.login(USER, PASSWORD);
            single.login(USER, PASSWORD);
            batched.send(new Subscribe(1, "to-batched", "", ""));
            assertThat(batched.<Ack>await(FrameType.ACK).requestId()).isEqualTo(1);
            single.send(new Subscribe(2, "to-single", "", ""));
            assertThat(single.<Ack>await(FrameType.ACK).requestId()).isEqualTo(2);

            // Ten publishes in one message from the batching client; the other gets each in a message of its own.
            List<Frame> publishes = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                publishes.add(new Publish("to-single", "", Map.of(), ("b" + i).getBytes(StandardCharsets.UTF_8)));
            }
            batched.sendTogether(publishes.toArray(Frame[]::new));
            for (int i = 0; i < 10; i++) {
                assertThat(FrameClient.text(single.deliverOn("to-single"))).isEqualTo("b" + i);
            }

            for (int i = 0; i < 10; i++) {
                single.send(new Publish("to-batched", "", Map.of(), ("s" + i).getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 10; i++) {
                Deliver deliver = batched.deliverOn("to-batched");
                assertThat(deliver.subscriptionId()).isEqualTo(1);
                assertThat(FrameClient.text(deliver)).isEqualTo("s" + i);
            }
        }
    }

    @Test
    void whatTheNodeWritesInOneTurnLeavesInOneMessage() throws Exception {
        try (FrameClient batched = node.rawWsBatched()) {
            batched.login(USER, PASSWORD);
            BatchedWsFrameTransport transport = batched.transport(BatchedWsFrameTransport.class);
            int before = transport.messagesReceived();
            batched.sendTogether(new Ping(1), new Ping(2), new Ping(3), new Ping(4), new Ping(5));
            for (long nonce = 1; nonce <= 5; nonce++) {
                assertThat(batched.<Pong>await(FrameType.PONG).nonce()).isEqualTo(nonce);
            }
            // The five answers to one read are flushed together, at the end of that read.
            assertThat(transport.messagesReceived() - before).isEqualTo(1);
        }
    }

    @Test
    void aFrameCutAtTheEndOfAMessageIsMalformedAndClosesWith1002() throws Exception {
        try (FrameClient batched = node.rawWsBatched()) {
            batched.login(USER, PASSWORD);
            byte[] ping = FrameClient.encode(new Ping(9));
            // The prefix announces the whole PING, but the message ends three bytes short of it.
            ByteBuffer cut = ByteBuffer.allocate(4 + ping.length - 3).putInt(ping.length).put(ping, 0, ping.length - 3);
            batched.sendBytes(cut.array());
            ErrorFrame error = batched.error();
            assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
            assertThat(error.message()).contains("ends inside a frame");
            RawWebSocket.Closed closed = batched.transport(BatchedWsFrameTransport.class).socket().awaitClose();
            assertThat(closed.status).as("protocol error").isEqualTo(1002);
            assertThat(closed.reason).isEqualTo(error.message());
        }
    }

    @Test
    void aPrefixOverTheLimitInsideAMessageThatFitsIsRefusedWithFrameTooLargeAnd1009() throws Exception {
        try (FrameClient batched = node.rawWsBatched()) {
            // A message of 7 bytes whose one prefix announces a frame over the handshake limit: the
            // message fits, the frame it announces does not.
            batched.sendBytes(ByteBuffer.allocate(7).putInt(65_537).put(new byte[] {0x33, 0, 0}).array());
            ErrorFrame error = batched.error();
            assertThat(error.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE.code());
            RawWebSocket.Closed closed = batched.transport(BatchedWsFrameTransport.class).socket().awaitClose();
            assertThat(closed.status).as("message too big, as for a message refused from its header").isEqualTo(1009);
            assertThat(closed.reason).isEqualTo(error.message());
        }
    }

    @Test
    void aBatchedMessageMayComeInFragmentsCutInsidePrefixesAndFrames() throws Exception {
        try (FrameClient batched = node.rawWsBatched()) {
            batched.login(USER, PASSWORD);
            RawWebSocket socket = batched.transport(BatchedWsFrameTransport.class).socket();
            byte[] one = FrameClient.encode(new Ping(21));
            byte[] two = FrameClient.encode(new Ping(22));
            byte[] message = ByteBuffer.allocate(8 + one.length + two.length).putInt(one.length).put(one)
                    .putInt(two.length).put(two).array();
            // Three fragments: the first ends inside the first prefix, the second inside the second frame.
            int firstCut = 2;
            int secondCut = 4 + one.length + 4 + 3;
            socket.sendFrame(RawWebSocket.BINARY, false, Arrays.copyOfRange(message, 0, firstCut));
            socket.sendFrame(RawWebSocket.CONTINUATION, false, Arrays.copyOfRange(message, firstCut, secondCut));
            socket.sendFrame(RawWebSocket.CONTINUATION, true, Arrays.copyOfRange(message, secondCut, message.length));
            assertThat(batched.<Pong>await(FrameType.PONG).nonce()).isEqualTo(21);
            assertThat(batched.<Pong>await(FrameType.PONG).nonce()).isEqualTo(22);
        }
    }

    @Test
    void aMessageOverTheHandshakeLimitPlusOnePrefixIsRefusedWithFrameTooLargeAnd1009() throws Exception {
        try (FrameClient batched = node.rawWsBatched()) {
            RawWebSocket socket = batched.transport(BatchedWsFrameTransport.class).socket();
            socket.sendHeader(RawWebSocket.BINARY, true, 65_536 + 4 + 1);
            ErrorFrame error = batched.error();
            assertThat(error.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE.code());
            assertThat(error.message()).isEqualTo(
                    "message length 65541 exceeds the maximum of 65540 bytes before authentication");
            assertThat(socket.awaitClose().status).isEqualTo(1009);
        }
    }
}
