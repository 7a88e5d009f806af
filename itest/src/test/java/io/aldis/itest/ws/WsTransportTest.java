package io.aldis.itest.ws;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.JdkWsFrameTransport;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.RawWebSocket;
import io.aldis.itest.support.WsFrameTransport;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket listener in front of a real in-process node, at the socket level: sessions over
 * WebSocket and across transports, and every way a handshake or a message can be refused.
 */
class WsTransportTest {
    private static final String USER = "alice";
    static final int MAX_MESSAGE = 64 * 1024;
    static final long PING_MILLIS = 300;
    static final long CLIENT_TIMEOUT_MILLIS = 1_200;
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeFixture.builder().user(USER, "user").pubsub().tcp().ws(WsSettings.plain("ws-test", 0)
                .withLimits(100, MAX_MESSAGE)
                .withHeartbeat(PING_MILLIS, CLIENT_TIMEOUT_MILLIS)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void fullSessionWithTheJdkClient() throws Exception {
        try (FrameClient ws = node.jdkWs()) {
            assertThat(jdk(ws).subprotocol()).isEqualTo("aldis.v1");
            ConnectAck ack = ws.connect(FrameClient.ALL_BUT_LZ4_AND_ADDRESSES, "", "jdk-websocket");
            assertThat(ack.sessionId()).isNotNull();
            assertThat(ws.scram(USER, PASSWORD).user()).isEqualTo(USER);
            assertThat(node.node().sessions()).anySatisfy(s -> {
                assertThat(s.id()).isEqualTo(ack.sessionId());
                assertThat(s.connection().transport()).isEqualTo("ws");
                assertThat(s.connection().listener()).isEqualTo("ws-test");
                assertThat(s.connection().secure()).isFalse();
            });

            ws.send(new Ping(77));
            assertThat(ws.<Pong>await(FrameType.PONG).nonce()).isEqualTo(77);

            ws.send(new Close(0, "done"));
            assertThat(ws.<CloseAck>await(FrameType.CLOSE_ACK)).isNotNull();
            JdkWsFrameTransport.CloseInfo close = jdk(ws).closed.get(10, TimeUnit.SECONDS);
            assertThat(close.status()).isEqualTo(1000);
        }
    }

    @Test
    void publishFromWebSocketReachesTcpAndBack() throws Exception {
        try (FrameClient tcp = node.raw(); FrameClient ws = node.rawWs()) {
            tcp.login(USER, PASSWORD);
            ws.login(USER, PASSWORD);
            assertThat(node.node().sessions()).extracting(s -> s.connection().transport()).contains("tcp", "ws");

            tcp.send(new Subscribe(11, "cross.to-tcp", "", ""));
            assertThat(tcp.<Ack>await(FrameType.ACK).requestId()).isEqualTo(11);
            ws.send(new Subscribe(22, "cross.to-ws", "", ""));
            assertThat(ws.<Ack>await(FrameType.ACK).requestId()).isEqualTo(22);

            ws.send(new Publish("cross.to-tcp", "", Map.of("from", "ws"), "hello tcp".getBytes(StandardCharsets.UTF_8)));
            Deliver atTcp = tcp.await(FrameType.DELIVER);
            assertThat(atTcp.subscriptionId()).isEqualTo(11);
            assertThat(atTcp.subject()).isEqualTo("cross.to-tcp");
            assertThat(atTcp.headers()).containsEntry("from", "ws");
            assertThat(new String(atTcp.payload(), StandardCharsets.UTF_8)).isEqualTo("hello tcp");

            tcp.send(new Publish("cross.to-ws", "", Map.of(), "hello ws".getBytes(StandardCharsets.UTF_8)));
            Deliver atWs = ws.await(FrameType.DELIVER);
            assertThat(atWs.subscriptionId()).isEqualTo(22);
            assertThat(new String(atWs.payload(), StandardCharsets.UTF_8)).isEqualTo("hello ws");
        }
    }

    @Test
    void silentClientIsClosedAtTheTimeoutWhileAnAnsweringOneStays() throws Exception {
        try (FrameClient answering = node.jdkWs();
                RawWebSocket silent = new RawWebSocket(node.wsPort()).open()) {
            silent.answerPings(false);
            RawWebSocket.Closed closed = silent.awaitClose();
            assertThat(closed.status).isEqualTo(1000);
            assertThat(closed.reason).startsWith("client timeout");
            assertThat(silent.pingsSeen()).as("pings before the timeout").isPositive();
            assertThat(silent.endsWithinTimeout()).isTrue();

            // The JDK client answered every ping, so it is still there.
            assertThat(answering.connect(FrameClient.ALL_BUT_LZ4_AND_ADDRESSES, "", "answering").sessionId()).isNotNull();
        }
    }

    @Test
    void oversizeMessagesCloseWith1009WholeOrFragmented() throws Exception {
        try (RawWebSocket whole = new RawWebSocket(node.wsPort()).open()) {
            whole.sendFrame(RawWebSocket.BINARY, true, new byte[MAX_MESSAGE + 1]);
            assertThat(whole.awaitClose().status).isEqualTo(1009);
            assertThat(whole.endsWithinTimeout()).isTrue();
        }
        try (RawWebSocket fragmented = new RawWebSocket(node.wsPort()).open()) {
            byte[] third = new byte[MAX_MESSAGE / 3 + 1];
            fragmented.sendFrame(RawWebSocket.BINARY, false, third);
            fragmented.sendFrame(RawWebSocket.CONTINUATION, false, third);
            fragmented.sendFrame(RawWebSocket.CONTINUATION, true, third);
            assertThat(fragmented.awaitClose().status).isEqualTo(1009);
            assertThat(fragmented.endsWithinTimeout()).isTrue();
        }
    }

    @Test
    void aFragmentedMessageUnderTheLimitIsOneFrame() throws Exception {
        try (FrameClient ws = node.rawWs()) {
            // After CONNECT: before it the node answers nothing, not even a PING (section 4.1).
            ws.connect(FrameClient.ALL_BUT_LZ4_AND_ADDRESSES, "", "fragments");
            byte[] ping = FrameClient.encode(new Ping(5));
            socketOf(ws).sendFrame(RawWebSocket.BINARY, false, Arrays.copyOfRange(ping, 0, 3));
            socketOf(ws).sendFrame(RawWebSocket.CONTINUATION, true, Arrays.copyOfRange(ping, 3, ping.length));
            assertThat(ws.<Pong>await(FrameType.PONG).nonce()).isEqualTo(5);
        }
    }

    @Test
    void textMessageIsAnsweredWithErrorAndClose() throws Exception {
        try (FrameClient ws = node.rawWs()) {
            socketOf(ws).sendFrame(RawWebSocket.TEXT, true, "{\"type\":\"connect\"}".getBytes(StandardCharsets.UTF_8));
            ErrorFrame error = ws.await(FrameType.ERROR);
            assertThat(error.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
            assertThat(socketOf(ws).awaitClose().status).as("protocol error").isEqualTo(1002);
        }
    }

    @Test
    void webSocketProtocolErrorsCloseWithTheirOwnStatusAndNothingElse() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(node.wsPort()).open()) {
            ws.sendFrame(0x3, true, new byte[0]); // a reserved opcode
            assertThat(ws.awaitClose().status).isEqualTo(1002);
            assertThat(ws.endsWithNothingMore()).as("no second close frame, just the end").isTrue();
        }
        try (RawWebSocket ws = new RawWebSocket(node.wsPort()).open()) {
            ws.sendFrame(RawWebSocket.TEXT, true, new byte[] {(byte) 0xC3, (byte) 0x28}); // invalid UTF-8
            assertThat(ws.awaitClose().status).isEqualTo(1007);
            assertThat(ws.endsWithNothingMore()).isTrue();
        }
        try (RawWebSocket ws = new RawWebSocket(node.wsPort()).open()) {
            ws.sendFrame(RawWebSocket.CLOSE, true, new byte[] {0, 0}); // close code 0 is invalid
            RawWebSocket.WsFrame answer;
            try {
                answer = ws.readFrame();
            } catch (java.io.EOFException endedWithoutCloseFrame) {
                answer = null; // allowed: RFC 6455 lets the server just drop the connection
            }
            if (answer != null) {
                assertThat(answer.opcode()).isEqualTo(RawWebSocket.CLOSE);
                assertThat(((answer.payload()[0] & 0xFF) << 8) | (answer.payload()[1] & 0xFF)).isEqualTo(1002);
                assertThat(ws.endsWithNothingMore()).isTrue();
            }
        }
        try (RawWebSocket ws = new RawWebSocket(node.wsPort()).open()) {
            ws.sendFrame(RawWebSocket.CLOSE, true, new byte[] {0x03, (byte) 0xE9}); // 1001, going away
            assertThat(ws.awaitClose().status).as("the peer's status echoed").isEqualTo(1001);
        }
    }

    @Test
    void plainHttpRequestsGetAnAnswerAndAClose() throws Exception {
        try (RawWebSocket http = new RawWebSocket(node.wsPort())) {
            RawWebSocket.HttpAnswer answer = http.request("GET /aldis HTTP/1.1", "Host: 127.0.0.1");
            assertThat(answer.status()).isEqualTo(426);
            assertThat(answer.header("Upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(http.endsWithinTimeout()).isTrue();
        }
        try (RawWebSocket http = new RawWebSocket(node.wsPort())) {
            RawWebSocket.HttpAnswer answer = http.request("GET / HTTP/1.1", "Host: 127.0.0.1");
            assertThat(answer.status()).isEqualTo(404);
            assertThat(answer.body()).contains("/aldis");
            assertThat(http.endsWithinTimeout()).isTrue();
        }
        try (RawWebSocket http = new RawWebSocket(node.wsPort())) {
            assertThat(http.request("NONSENSE").status()).isEqualTo(400);
            assertThat(http.endsWithinTimeout()).isTrue();
        }
    }

    @Test
    void handshakeWithoutTheSubprotocolIsRefusedWith400() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(node.wsPort())) {
            RawWebSocket.HttpAnswer answer = ws.upgrade("/aldis", Map.of());
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body()).contains("aldis.v1");
            assertThat(ws.endsWithinTimeout()).isTrue();
        }
        try (RawWebSocket ws = new RawWebSocket(node.wsPort())) {
            assertThat(ws.upgrade("/aldis", Map.of("Sec-WebSocket-Protocol", "mqtt, aldis.v2")).status())
                    .isEqualTo(400);
            assertThat(ws.endsWithinTimeout()).isTrue();
        }
        try (RawWebSocket ws = new RawWebSocket(node.wsPort())) {
            RawWebSocket.HttpAnswer answer = ws.upgrade("/aldis", Map.of("Sec-WebSocket-Protocol", "mqtt, aldis.v1"));
            assertThat(answer.status()).isEqualTo(101);
            assertThat(answer.header("Sec-WebSocket-Protocol")).isEqualTo("aldis.v1");
        }
    }

    @Test
    void foreignOriginIsRefusedWith403AndTheSameHostIsAccepted() throws Exception {
        try (RawWebSocket ws = new RawWebSocket(node.wsPort())) {
            RawWebSocket.HttpAnswer answer = ws.upgrade("/aldis",
                    Map.of("Sec-WebSocket-Protocol", "aldis.v1", "Origin", "https://attacker.example"));
            assertThat(answer.status()).isEqualTo(403);
            assertThat(ws.endsWithinTimeout()).isTrue();
        }
        try (RawWebSocket ws = new RawWebSocket(node.wsPort())) {
            RawWebSocket.HttpAnswer answer = ws.upgrade("/aldis",
                    Map.of("Sec-WebSocket-Protocol", "aldis.v1", "Origin", "http://127.0.0.1:" + node.wsPort()));
            assertThat(answer.status()).isEqualTo(101);
        }
    }

    @Test
    void settingsChangeRebindsAndKeepsOpenConnections() throws Exception {
        try (NodeFixture own = NodeFixture.builder().user(USER, "user").pubsub().tcp().ws().start();
                FrameClient before = own.rawWs()) {
            int oldPort = own.wsPort();
            before.login(USER, PASSWORD);

            int freePort;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                freePort = probe.getLocalPort();
            }
            own.wsServer().rebind(own.wsServer().settings().withPort(freePort).withPath("/v1"));
            int newPort = own.wsPort();
            assertThat(newPort).isEqualTo(freePort).isNotEqualTo(oldPort);
            assertThat(nobodyListensOn(oldPort)).isTrue();
            try (RawWebSocket moved = new RawWebSocket(newPort)) {
                assertThat(moved.upgrade("/v1", Map.of("Sec-WebSocket-Protocol", "aldis.v1")).status())
                        .isEqualTo(101);
            }
            try (RawWebSocket oldPath = new RawWebSocket(newPort)) {
                assertThat(oldPath.upgrade("/aldis", Map.of("Sec-WebSocket-Protocol", "aldis.v1")).status())
                        .isEqualTo(404);
            }

            before.send(new Ping(9));
            assertThat(before.<Pong>await(FrameType.PONG).nonce()).isEqualTo(9);
        }
    }

    /**
     * Binds the port itself rather than connecting to it: a connection to a loopback port nobody
     * listens on can, now and then, be the socket connecting to itself, and then it succeeds.
     */
    private static boolean nobodyListensOn(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port)); // where the listener was
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    @Test
    void connectionsOverTheLimitGet503() throws Exception {
        try (NodeFixture own = NodeFixture.builder().user(USER, "user").pubsub().tcp()
                .ws(WsSettings.plain("small", 0).withLimits(1, MAX_MESSAGE)).start();
                RawWebSocket first = new RawWebSocket(own.wsPort()).open();
                RawWebSocket second = new RawWebSocket(own.wsPort())) {
            assertThat(second.upgrade("/aldis", Map.of("Sec-WebSocket-Protocol", "aldis.v1")).status())
                    .isEqualTo(503);
            assertThat(own.wsServer().connections()).isEqualTo(1);
        }
    }

    @Test
    void anUpgradeNotFinishedWithinTheAuthTimeoutIsClosedFromTheAccept() throws Exception {
        // The listener's own client timeout (60 s) is far away; only the node's auth timeout,
        // counted from the TCP accept, can end a client that never finishes its HTTP request.
        try (NodeFixture quick = NodeFixture.builder().settings(NodeSettings.defaults().withTimeouts(10_000, 1_000))
                .user(USER, "user").pubsub().tcp().ws(WsSettings.plain("ws-auth-timeout", 0)).start();
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), quick.wsPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET /aldis HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(socket.getInputStream().read()).as("the half-sent upgrade was closed").isEqualTo(-1);
        }
    }

    private static RawWebSocket socketOf(FrameClient client) {
        return client.transport(WsFrameTransport.class).socket();
    }

    private static JdkWsFrameTransport jdk(FrameClient client) {
        return client.transport(JdkWsFrameTransport.class);
    }
}
