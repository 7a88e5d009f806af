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
    private final List<PeerLinks> opened = new ArrayList<>();
    private final Map<String, InetSocketAddress> members = new ConcurrentHashMap<>();

    @BeforeAll
    static void stores() throws Exception {
        // One certificate that both members present and trust: enough to prove the links' TLS.
        tls = MutualTls.of(TestStores.create(dir, "member").settings());
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
