package io.aldis.itest.node;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.TestCertificates;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCP listener with TLS: a full session inside TLS, and plaintext refused. */
@ExtendWith(LeakWatch.class)
class TlsTest {
    private static final String USER = "alice";
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeFixture.builder().user(USER, "user").tcp(TcpSettings.plain("tls", 0)).tls().start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void sessionOverTls() throws Exception {
        SSLSocket socket = (SSLSocket) node.certificates().clientContext().getSocketFactory()
                .createSocket("127.0.0.1", node.tcpPort());
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        try (FrameClient conn = node.rawOver(socket)) {
            conn.connect();
            assertThat(conn.scram(USER, PASSWORD).user()).isEqualTo(USER);
            conn.send(new Ping(5));
            assertThat(conn.<Pong>await(FrameType.PONG).nonce()).isEqualTo(5);
            assertThat(node.node().sessions()).anySatisfy(s -> assertThat(s.connection().secure()).isTrue());
        }
    }

    @Test
    void javaClientOverTlsWithHostnameVerification() throws Exception {
        io.aldis.client.AldisClient client = io.aldis.client.AldisClient.builder().address("127.0.0.1", node.tcpPort())
                .credentials(USER, PASSWORD.toCharArray())
                .tls(node.certificates().trustStore(), TestCertificates.STORE_PASSWORD.toCharArray())
                .reconnect(io.aldis.client.ReconnectPolicy.none()).build();
        try {
            client.connect().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(client.session().user()).isEqualTo(USER);
        } finally {
            client.close().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void plaintextSentToTheTlsPortIsClosed() throws Exception {
        try (FrameClient plain = node.rawOver(new Socket("127.0.0.1", node.tcpPort()))) {
            plain.connect();
            throw new AssertionError("the TLS listener answered plaintext");
        } catch (IOException expected) {
            // The node closes the connection instead of answering: EOF or reset while reading.
        }
    }
}
