package io.aldis.feature.cluster.internal.links;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.cluster.internal.TestStores;
import io.aldis.feature.cluster.internal.membership.ClusterSecret;
import io.aldis.protocol.api.spi.transport.tls.MutualTls;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Links inside mutual TLS on loopback, and a program without TLS knocking on one. */
@Timeout(60)
class TlsLinksTest {
    private static final byte[] KEY = ClusterSecret.linkKey("links", "a-secret-of-sixteen-or-more");

    @TempDir
    static Path dir;
    private static MutualTls tls;
    private static TestStores memberStores;
    /** A member with a certificate of its own, which the members' trust store does not hold; it trusts theirs. */
    private static MutualTls stranger;
    private final List<PeerLinks> opened = new ArrayList<>();
    private final Map<String, InetSocketAddress> members = new ConcurrentHashMap<>();

    @BeforeAll
    static void stores() throws Exception {
        // One certificate that both members present and trust: enough to prove the links' TLS.
        memberStores = TestStores.create(dir, "member");
        tls = MutualTls.of(memberStores.settings());
        // The stranger trusts the members, so that only their refusal of its certificate keeps it out.
        TestStores strangerStores = TestStores.create(dir, "stranger");
        stranger = MutualTls.of(TestStores.settingsOf(strangerStores.keyStore(),
                TestStores.trustStoreOf(dir.resolve("stranger-trusts.p12"), memberStores, strangerStores)));
    }

    @AfterEach
    void close() {
        opened.forEach(PeerLinks::close);
    }

    private PeerLinks member(String id) {
        PeerLinks links = new PeerLinks(KEY, "127.0.0.1", true, 0, tls);
        opened.add(links);
        links.members(members::get, peer -> true, () -> id);
        members.put(id, new InetSocketAddress("127.0.0.1", links.port()));
        return links;
    }

    @Test
    void messagesCrossBetweenTwoMembersWithTls() throws Exception {
        PeerLinks a = member("a");
        PeerLinks b = member("b");
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        b.receivers((peer, bytes) -> got.add(peer + ":" + new String(bytes, StandardCharsets.UTF_8)), (peer, bytes) -> { });
        assertThat(a.sendMessage("b", "over TLS".getBytes(StandardCharsets.UTF_8))).isEqualTo(PeerLinks.Sent.QUEUED);
        assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("a:over TLS");
        assertThat(a.describe("b")).isEqualTo("TLS");
    }

    @Test
    void aProgramWithoutTlsHearsNothingAndIsCutOffOnceItSpeaks() throws Exception {
        PeerLinks b = member("b");
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        b.receivers((peer, bytes) -> got.add(peer), (peer, bytes) -> got.add(peer));
        try (Socket s = new Socket("127.0.0.1", b.port())) {
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            // Without TLS the member would send its CHALLENGE at once; with TLS it waits for a TLS hello.
            try {
                int first = in.read();
                throw new AssertionError("the member sent a byte (" + first + ") to a program without TLS");
            } catch (SocketTimeoutException silent) {
                // as it should
            }
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            byte[] hello = new byte[100];
            out.writeInt(1 + hello.length);
            out.writeByte(LinkFrames.HELLO);
            out.write(hello);
            out.flush();
            s.setSoTimeout(20_000);
            // At most a TLS alert (record type 21), then the member closes the connection.
            byte[] answer = readToTheEnd(in);
            if (answer.length > 0) {
                assertThat(answer[0]).as("the record type of the member's answer").isEqualTo((byte) 21);
            }
        }
        assertThat(got).isEmpty();
    }

    @Test
    void aTlsClientThatPresentsNoCertificateIsRefused() throws Exception {
        PeerLinks b = member("b");
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        b.receivers((peer, bytes) -> got.add(peer), (peer, bytes) -> got.add(peer));
        // A client that trusts the member's certificate but has none of its own to show.
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(memberStores.trustStore())) {
            trusted.load(in, TestStores.PASSWORD.toCharArray());
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket("127.0.0.1", b.port())) {
            s.setSoTimeout(20_000);
            int first;
            try {
                // With TLS 1.3 the client's side of the handshake may end before the member has
                // looked at its (empty) certificate: the refusal then comes on the first read.
                s.startHandshake();
                first = s.getInputStream().read();
            } catch (javax.net.ssl.SSLException | SocketException refused) {
                first = -1;
            }
            // Accepted, the member would send its CHALLENGE at once.
            assertThat(first).as("what the member sent a client without a certificate").isEqualTo(-1);
        }
        assertThat(got).isEmpty();
    }

    @Test
    void aMemberWhoseCertificateIsNotTrustedIsNotLinkedTo() throws Exception {
        PeerLinks a = member("a");
        PeerLinks b = new PeerLinks(KEY, "127.0.0.1", true, 0, stranger);
        opened.add(b);
        b.members(members::get, peer -> true, () -> "b");
        members.put("b", new InetSocketAddress("127.0.0.1", b.port()));
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        b.receivers((peer, bytes) -> got.add(peer), (peer, bytes) -> got.add(peer));

        assertThat(a.sendMessage("b", "not for a stranger".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(PeerLinks.Sent.QUEUED);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!a.down("b")) {
            assertThat(System.nanoTime()).as("the link to the stranger down within 30 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(a.describe("b")).isEqualTo("TLS, down");
        assertThat(got).isEmpty();
    }

    /** What comes until the other end closes (a reset counts as closed). */
    private static byte[] readToTheEnd(InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[512];
        try {
            for (int n; (n = in.read(buffer)) >= 0;) {
                got.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            assertThat(reset).hasMessageContaining("reset");
        }
        return got.toByteArray();
    }
}
