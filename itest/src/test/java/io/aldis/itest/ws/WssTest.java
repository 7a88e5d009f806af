package io.aldis.itest.ws;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.RawWebSocket;
import io.aldis.itest.support.WsFrameTransport;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.IOException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket listener with TLS (wss), with a certificate made by the JDK's keytool. */
class WssTest {
    private static final String USER = "alice";
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeFixture.builder().user(USER, "user").pubsub().tcp().ws(WsSettings.plain("wss-test", 0)).tls()
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void sessionOverWss() throws Exception {
        assertThat(node.wsUri().getScheme()).isEqualTo("wss");
        assertThat(node.wsServer().secure()).isTrue();
        try (FrameClient wss = node.jdkWs()) {
            wss.login(USER, PASSWORD);
            wss.send(new Ping(3));
            assertThat(wss.<Pong>await(FrameType.PONG).nonce()).isEqualTo(3);
            assertThat(node.node().sessions()).anySatisfy(s -> {
                assertThat(s.connection().transport()).isEqualTo("ws");
                assertThat(s.connection().secure()).isTrue();
            });
        }
    }

    @Test
    void rawWebSocketInsideTls() throws Exception {
        SSLSocket socket = (SSLSocket) node.certificates().clientContext().getSocketFactory()
                .createSocket("127.0.0.1", node.wsPort());
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        try (FrameClient ws = FrameClient.over(new WsFrameTransport(new RawWebSocket(socket).open()))) {
            assertThat(ws.connect(FrameClient.ALL_BUT_LZ4_AND_ADDRESSES, "", "raw-wss").sessionId()).isNotNull();
        }
    }

    @Test
    void plaintextUpgradeToTheWssPortGetsNoAnswer() throws Exception {
        try (RawWebSocket plain = new RawWebSocket(node.wsPort())) {
            assertThatThrownBy(plain::open).isInstanceOf(IOException.class);
        }
    }
}
