package io.aldis.itest.node;

import io.aldis.itest.support.LeakWatch;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCP listener with TLS: a full session inside TLS, and plaintext refused. */
@ExtendWith(LeakWatch.class)
class TlsTest {
    static final String STORE_PASSWORD = "changeit-test";
    private static TestNode node;
    private static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("aldis-tls");
        Path keyStore = dir.resolve("server.p12");
        trustStore = dir.resolve("trust.p12");
        Certificates.serverKeyStore(keyStore, trustStore, STORE_PASSWORD);
        TcpSettings tls = TcpSettings.plain("tls", 0).withTls(new TlsSettings(keyStore.toString(),
                STORE_PASSWORD, "PKCS12", "", "", "none", List.of("TLSv1.3", "TLSv1.2")));
        node = TestNode.start(NodeSettings.defaults(), tls);
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    static SSLContext clientContext() throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(trustStore)) {
            trusted.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    @Test
    void sessionOverTls() throws Exception {
        SSLSocket socket = (SSLSocket) clientContext().getSocketFactory().createSocket("127.0.0.1", node.port());
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        try (RawConnection conn = new RawConnection(socket)) {
            conn.connect();
            assertThat(conn.scram(TestNode.USER, TestNode.PASSWORD).user()).isEqualTo(TestNode.USER);
            conn.send(new Ping(5));
            assertThat(conn.<Pong>readUntil(FrameType.PONG).nonce()).isEqualTo(5);
            assertThat(node.node.sessions()).anySatisfy(s -> assertThat(s.connection().secure()).isTrue());
        }
    }

    @Test
    void javaClientOverTlsWithHostnameVerification() throws Exception {
        io.aldis.client.AldisClient client = io.aldis.client.AldisClient.builder().address("127.0.0.1", node.port())
                .credentials(TestNode.USER, TestNode.PASSWORD.toCharArray())
                .tls(trustStore, STORE_PASSWORD.toCharArray())
                .reconnect(io.aldis.client.ReconnectPolicy.none()).build();
        try {
            client.connect().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(client.session().user()).isEqualTo(TestNode.USER);
        } finally {
            client.close().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void plaintextSentToTheTlsPortIsClosed() throws Exception {
        try (RawConnection plain = new RawConnection(new Socket("127.0.0.1", node.port()))) {
            plain.connect();
            throw new AssertionError("the TLS listener answered plaintext");
        } catch (IOException expected) {
            // The node closes the connection instead of answering: EOF or reset while reading.
        }
    }

    /** Key material made with the JDK's keytool, so the test needs nothing else. */
    static final class Certificates {
        static void serverKeyStore(Path keyStore, Path trustStore, String password) throws Exception {
            Path cert = keyStore.resolveSibling("server.crt");
            keytool("-genkeypair", "-alias", "aldis", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
            keytool("-exportcert", "-alias", "aldis", "-keystore", keyStore.toString(), "-storepass", password,
                    "-file", cert.toString());
            keytool("-importcert", "-noprompt", "-alias", "aldis", "-file", cert.toString(), "-storetype", "PKCS12",
                    "-keystore", trustStore.toString(), "-storepass", password);
        }

        private static void keytool(String... args) throws Exception {
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            List<String> command = new java.util.ArrayList<>(List.of(keytool));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        }
    }
}
