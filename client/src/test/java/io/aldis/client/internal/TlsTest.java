package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ReconnectPolicy;
import io.aldis.protocol.api.ErrorCode;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against a loopback node whose certificates keytool makes for the test. */
class TlsTest {
    private static final char[] STORE_PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;
    private static Path trustStore;
    private static SslContext forIp;
    private static SslContext forOtherName;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        Path ipStore = keyPair("ip", "ip:127.0.0.1");
        Path nameStore = keyPair("name", "dns:node.invalid");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ip", load(ipStore).getCertificate("ip"));
        trust.setCertificateEntry("name", load(nameStore).getCertificate("name"));
        trustStore = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, STORE_PASSWORD);
        }
        forIp = serverContext(ipStore);
        forOtherName = serverContext(nameStore);
    }

    private static Path keyPair(String alias, String san) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=aldis-test", "-ext", "SAN=" + san, "-validity", "2", "-storetype",
                "PKCS12", "-keystore", store.toString(), "-storepass", new String(STORE_PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return store;
    }

    private static KeyStore load(Path path) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, STORE_PASSWORD);
        }
        return store;
    }

    private static SslContext serverContext(Path keyStore) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore), STORE_PASSWORD);
        return SslContextBuilder.forServer(kmf).protocols("TLSv1.3", "TLSv1.2").build();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
    }

    private AldisClient client(FakeNode node, boolean verifyHostname) {
        AldisClient client = AldisClient.builder()
                .address("127.0.0.1", node.port())
                .credentials("alice", "pencil".toCharArray())
                .mechanism("PLAIN")
                .tls(trustStore, STORE_PASSWORD)
                .hostnameVerification(verifyHostname)
                .reconnect(ReconnectPolicy.none())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        cleanup.add(0, () -> client.close().get(10, TimeUnit.SECONDS));
        return client;
    }

    private FakeNode node(SslContext tls) throws InterruptedException {
        FakeNode node = new FakeNode().start(0, tls);
        cleanup.add(node);
        return node;
    }

    @Test
    void connectsOverTlsToANodeWhoseCertificateNamesTheAddress() throws Exception {
        AldisClient client = client(node(forIp), true);
        CompletableFuture<AldisClient> connected = client.connect();
        assertThat(connected.get(20, TimeUnit.SECONDS)).isSameAs(client);
        assertThat(client.session().user()).isEqualTo("alice");
    }

    @Test
    void refusesACertificateForAnotherName() throws Exception {
        AldisClient client = client(node(forOtherName), true);
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> client.connect().get(20, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(((AldisException) thrown.getCause()).code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
    }

    @Test
    void hostnameVerificationCanBeTurnedOffForTestCertificates() throws Exception {
        AldisClient client = client(node(forOtherName), false);
        assertThat(client.connect().get(20, TimeUnit.SECONDS)).isSameAs(client);
    }
}
