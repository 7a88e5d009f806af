package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.RawWebSocket;
import io.aldis.itest.support.WsFrameTransport;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import io.aldis.transport.ws.internal.WsSettings;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * WebSocket messages cut into a flood of tiny fragments, with pings between them: a message
 * within the limit arrives whole however it was cut, and one that grows past the limit fragment by
 * fragment is refused (ERROR FRAME_TOO_LARGE, close 1009) as soon as a fragment header takes it
 * past, authenticated or not. The bystander is served meanwhile.
 */
@ExtendWith(LeakWatch.class)
class WsFragmentationFloodTest {
    private static final int MAX_MESSAGE = 256 * 1024;

    private NodeFixture node;
    private Bystander bystander;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("mallory", "user").user("bob", "user").pubsub()
                .tcp().ws(WsSettings.plain("ws-test", 0).withLimits(100, MAX_MESSAGE)).start();
        bystander = Bystander.join(node, "bob");
    }

    @AfterEach
    void stop() throws Exception {
        bystander.close();
        node.close();
    }

    @Test
    void aMessageCutIntoOneByteFragmentsWithPingsBetweenArrivesWhole() throws Exception {
        try (FrameClient mallory = node.rawWs()) {
            mallory.login("mallory", NodeFixture.PASSWORD);
            mallory.subscribeOk(1, "pieces");
            byte[] payload = new byte[20_000];
            Arrays.fill(payload, (byte) 'p');
            byte[] frame = FrameClient.encode(new Publish("pieces", "", Map.of(), payload));
            RawWebSocket ws = mallory.transport(WsFrameTransport.class).socket();
            bystander.during(10, () -> {
                ws.sendFrame(RawWebSocket.BINARY, false, Arrays.copyOfRange(frame, 0, 1));
                for (int i = 1; i < frame.length - 1; i++) {
                    ws.sendFrame(RawWebSocket.CONTINUATION, false, new byte[] {frame[i]});
                    if (i % 100 == 0) {
                        ws.sendFrame(RawWebSocket.PING, true, new byte[0]);
                    }
                }
                ws.sendFrame(RawWebSocket.CONTINUATION, true, new byte[] {frame[frame.length - 1]});
            });
            assertThat(mallory.deliverOn("pieces").payload()).isEqualTo(payload);
        }
        bystander.rounds(5);
    }

    @Test
    void aMessageThatGrowsPastTheLimitFragmentByFragmentIsRefused() throws Exception {
        try (FrameClient mallory = node.rawWs()) {
            mallory.login("mallory", NodeFixture.PASSWORD);
            RawWebSocket ws = mallory.transport(WsFrameTransport.class).socket();
            byte[] piece = new byte[512];
            bystander.during(10, () -> {
                try {
                    ws.sendFrame(RawWebSocket.BINARY, false, piece);
                    for (int i = 0; i < 2 * MAX_MESSAGE / piece.length; i++) {
                        ws.sendFrame(RawWebSocket.CONTINUATION, false, piece);
                    }
                } catch (java.io.IOException closedByNode) {
                    // the node closed the connection once the message passed the limit
                }
            });
            ErrorFrame error = mallory.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(ws.awaitClose().status).isEqualTo(1009);
        }
        bystander.rounds(5);
    }

    @Test
    void beforeAuthenticationTheFragmentsMayNotPassTheHandshakeLimit() throws Exception {
        try (FrameClient mallory = node.rawWs()) {
            RawWebSocket ws = mallory.transport(WsFrameTransport.class).socket();
            byte[] piece = new byte[64];
            bystander.during(10, () -> {
                try {
                    ws.sendFrame(RawWebSocket.BINARY, false, piece);
                    for (int i = 0; i < 2 * 65_536 / piece.length; i++) {
                        ws.sendFrame(RawWebSocket.CONTINUATION, false, piece);
                    }
                } catch (java.io.IOException closedByNode) {
                    // the node closed the connection once the message passed the handshake limit
                }
            });
            ErrorFrame error = mallory.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
            assertThat(ws.awaitClose().status).isEqualTo(1009);
        }
        bystander.rounds(5);
    }
}
