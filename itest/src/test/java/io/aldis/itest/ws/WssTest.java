package io.aldis.itest.ws;

import io.aldis.itest.support.RawWebSocket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The WebSocket listener with TLS (wss), with a certificate made by the JDK's keytool. */
class WssTest {
    static final String STORE_PASSWORD = "changeit-wss";
    private static WsTestNode node;
    private static Path dir;
    private static SSLContext clientTls;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("aldis-wss");
        Path keyStore = dir.resolve("server.p12");
        Path trustStore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "aldis", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        Path cert = dir.resolve("server.crt");
        keytool("-exportcert", "-alias", "aldis", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "aldis", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", STORE_PASSWORD);
        node = WsTestNode.start(WsSettings.plain("wss-test", 0).withTls(new TlsSettings(keyStore.toString(),
                STORE_PASSWORD, "PKCS12", "", "", "none", List.of("TLSv1.3", "TLSv1.2"))));
        clientTls = trusting(trustStore);
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        for (String name : List.of("server.p12", "trust.p12", "server.crt")) {
            Files.deleteIfExists(dir.resolve(name));
        }
        Files.deleteIfExists(dir);
    }

    @Test
    void sessionOverWss() throws Exception {
        assertThat(node.wsUri().getScheme()).isEqualTo("wss");
        assertThat(node.ws.secure()).isTrue();
        try (JdkWsLink wss = JdkWsLink.open(node.wsUri(), clientTls)) {
            wss.login(WsTestNode.USER, WsTestNode.PASSWORD);
            wss.send(new Ping(3));
            assertThat(wss.<Pong>readUntil(FrameType.PONG).nonce()).isEqualTo(3);
            assertThat(node.node.sessions()).anySatisfy(s -> {
                assertThat(s.connection().transport()).isEqualTo("ws");
                assertThat(s.connection().secure()).isTrue();
            });
        }
    }

    @Test
    void rawWebSocketInsideTls() throws Exception {
        SSLSocket socket = (SSLSocket) clientTls.getSocketFactory().createSocket("127.0.0.1", node.wsPort());
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        try (FrameLink.Ws ws = new FrameLink.Ws(new RawWebSocket(socket).open())) {
            assertThat(ws.connect("raw-wss").sessionId()).isNotNull();
        }
    }

    @Test
    void plaintextUpgradeToTheWssPortGetsNoAnswer() throws Exception {
        try (RawWebSocket plain = new RawWebSocket(node.wsPort())) {
            assertThatThrownBy(plain::open).isInstanceOf(IOException.class);
        }
    }

    private static SSLContext trusting(Path trustStore) throws Exception {
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

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
