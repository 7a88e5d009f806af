package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.RawWebSocket;
import io.aldis.itest.support.TcpFrameTransport;
import io.aldis.itest.support.WsFrameTransport;
import io.aldis.protocol.api.Ping;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Frames the node answers by itself, sent in a flood by a client that never reads the answers:
 * PINGs, frames of an unknown type, WebSocket pings. Answering each would make the node buffer
 * answers without end; it closes such a client instead (docs/protocol.md 4.6), and a bystander
 * is served throughout.
 */
@ExtendWith(LeakWatch.class)
class LivenessFloodTest {
    /** Far more answers than the kernel's buffers of both sockets hold, so the node's own must fill. */
    private static final int FLOOD = 1_000_000;
    private static final int SMALL_RECEIVE_BUFFER = 4096;

    private NodeFixture node;
    private Bystander bystander;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("mallory", "user").user("bob", "user").pubsub().tcp().ws().start();
        bystander = Bystander.join(node, "bob");
    }

    @AfterEach
    void stop() throws Exception {
        bystander.close();
        node.close();
    }

    @Test
    void aClientThatFloodsPingsWithoutReadingThePongsIsClosed() throws Exception {
        try (FrameClient mallory = attacker()) {
            byte[] ping = framed(FrameClient.encode(new Ping(1)));
            bystander.during(20, () -> assertThat(floodUntilClosed(mallory, ping))
                    .as("the node closed the connection before the flood was over").isTrue());
            assertThat(mallory.closedByNode()).isTrue();
        }
        bystander.rounds(5);
    }

    @Test
    void aClientThatFloodsUnknownFrameTypesWithoutReadingTheErrorsIsClosed() throws Exception {
        try (FrameClient mallory = attacker()) {
            byte[] unknown = {0, 0, 0, 3, (byte) 0xEE, 0, 1};
            bystander.during(20, () -> assertThat(floodUntilClosed(mallory, unknown))
                    .as("the node closed the connection before the flood was over").isTrue());
            assertThat(mallory.closedByNode()).isTrue();
        }
        bystander.rounds(5);
    }

    @Test
    void aWebSocketClientThatFloodsPingsWithoutReadingThePongsIsClosed() throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(SMALL_RECEIVE_BUFFER);
        socket.connect(new InetSocketAddress("127.0.0.1", node.wsPort()));
        try (RawWebSocket mallory = new RawWebSocket(socket).open()) {
            // Pings with the largest payload a control frame may carry, so the pongs fill buffers fast.
            byte[] payload = new byte[125];
            bystander.during(20, () -> {
                boolean closedDuringFlood = false;
                try {
                    for (int i = 0; i < FLOOD / 4; i++) {
                        mallory.sendFrame(RawWebSocket.PING, true, payload);
                    }
                } catch (IOException closedByNode) {
                    closedDuringFlood = true;
                }
                assertThat(closedDuringFlood).as("the node closed the connection before the flood was over").isTrue();
            });
            assertThat(mallory.endsWithinTimeout()).as("the node closed the flooding connection").isTrue();
        }
        bystander.rounds(5);
    }

    @Test
    void aWebSocketClientThatFloodsUnknownFrameTypesWithoutReadingTheErrorsIsClosed() throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(SMALL_RECEIVE_BUFFER);
        socket.connect(new InetSocketAddress("127.0.0.1", node.wsPort()));
        RawWebSocket ws = new RawWebSocket(socket).open();
        try (FrameClient mallory = FrameClient.over(new WsFrameTransport(ws))) {
            mallory.login("mallory", NodeFixture.PASSWORD);
            // A thousand binary messages of one frame of an unknown type each, masked with a zero key
            // (which leaves the payload as it is), written at once. The node's answers go through
            // the same session code over WebSocket as over TCP; what differs is the close.
            byte[] unknown = {(byte) 0xEE, 0, 1};
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                batch.write(0x82);
                batch.write(0x80 | unknown.length);
                batch.writeBytes(new byte[4]);
                batch.writeBytes(unknown);
            }
            byte[] bytes = batch.toByteArray();
            bystander.during(20, () -> {
                boolean closedDuringFlood = false;
                try {
                    for (int i = 0; i < FLOOD / 1000; i++) {
                        socket.getOutputStream().write(bytes);
                    }
                } catch (IOException closedByNode) {
                    closedDuringFlood = true;
                }
                assertThat(closedDuringFlood).as("the node closed the connection before the flood was over").isTrue();
            });
            assertThat(ws.endsWithinTimeout()).as("the node closed the flooding connection").isTrue();
        }
        bystander.rounds(5);
    }

    /** A logged-in client whose small receive buffer fills after a few answers. */
    private FrameClient attacker() throws Exception {
        FrameClient c = FrameClient.over(TcpFrameTransport.connect(node.tcpPort(), SMALL_RECEIVE_BUFFER));
        c.login("mallory", NodeFixture.PASSWORD);
        return c;
    }

    /**
     * Sends {@code frame} {@link #FLOOD} times, in batches, and never reads; stops when the node
     * closes. Returns whether it closed before the whole flood was sent.
     */
    private static boolean floodUntilClosed(FrameClient c, byte[] frame) {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            batch.writeBytes(frame);
        }
        byte[] bytes = batch.toByteArray();
        try {
            for (int i = 0; i < FLOOD / 1000; i++) {
                c.sendBytes(bytes);
            }
        } catch (IOException closedByNode) {
            return true;
        }
        return false;
    }

    private static byte[] framed(byte[] frame) {
        return java.nio.ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array();
    }

}
