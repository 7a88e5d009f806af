package io.aldis.feature.cluster.internal.links;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.cluster.internal.membership.ClusterSecret;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two members' links on loopback, and strangers knocking on one. */
@Timeout(60)
class PeerLinksTest {
    private static final byte[] KEY = ClusterSecret.linkKey("links", "a-secret-of-sixteen-or-more");
    private final List<PeerLinks> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(PeerLinks::close);
    }

    private PeerLinks member(String id, byte[] key) {
        PeerLinks links = new PeerLinks(key, "127.0.0.1", true, 0);
        opened.add(links);
        links.members(peer -> null, () -> id);
        return links;
    }

    /** {@code from} reaches {@code to} under the id "b". */
    private static void knows(PeerLinks from, String id, PeerLinks to) {
        from.members(peer -> peer.equals("b") ? new InetSocketAddress("127.0.0.1", to.port()) : null, () -> id);
    }

    private record Received(String peer, String kind, byte[] bytes) {
    }

    private static BlockingQueue<Received> receivedBy(PeerLinks links) {
        BlockingQueue<Received> got = new LinkedBlockingQueue<>();
        links.receivers((peer, bytes) -> got.add(new Received(peer, "message", bytes)),
                (peer, bytes) -> got.add(new Received(peer, "rpc", bytes)));
        return got;
    }

    private static byte[] numbered(int n, int size) {
        return ByteBuffer.allocate(size).putInt(n).array();
    }

    @Test
    void messagesAndCallsArriveInTheOrderSentWithTheSendersProvenId() throws Exception {
        PeerLinks a = member("a", KEY);
        PeerLinks b = member("b", KEY);
        knows(a, "a", b);
        BlockingQueue<Received> got = receivedBy(b);

        int count = 20_000;
        for (int i = 0; i < count; i++) {
            PeerLinks.Sent sent = i % 3 == 0 ? a.sendRpc("b", numbered(i, 4 + i % 200))
                    : a.sendMessage("b", numbered(i, 4 + i % 200));
            assertThat(sent).isEqualTo(PeerLinks.Sent.QUEUED);
        }
        for (int i = 0; i < count; i++) {
            Received r = got.poll(20, TimeUnit.SECONDS);
            assertThat(r).as("message %d", i).isNotNull();
            assertThat(r.peer()).isEqualTo("a");
            assertThat(r.kind()).isEqualTo(i % 3 == 0 ? "rpc" : "message");
            assertThat(r.bytes()).hasSize(4 + i % 200);
            assertThat(ByteBuffer.wrap(r.bytes()).getInt()).isEqualTo(i);
        }
        assertThat(a.sendMessage("nobody", new byte[1])).isEqualTo(PeerLinks.Sent.NO_LINK);
    }

    @Test
    void aMemberWithAnotherSecretIsRefusedBeforeItsFirstMessage() throws Exception {
        PeerLinks b = member("b", KEY);
        try (Socket stranger = new Socket("127.0.0.1", b.port())) {
            DataInputStream in = new DataInputStream(stranger.getInputStream());
            DataOutputStream out = new DataOutputStream(stranger.getOutputStream());
            int length = in.readInt();
            assertThat(in.readByte()).isEqualTo(LinkFrames.CHALLENGE);
            byte[] challenge = new byte[length - 1];
            in.readFully(challenge);
            byte[] serverNonce = LinkHandshake.readChallenge(challenge);
            byte[] hello = new LinkHandshake(ClusterSecret.linkKey("links", "another-secret-of-sixteen"))
                    .hello(serverNonce, LinkHandshake.nonce(), "stranger");
            out.writeInt(1 + hello.length);
            out.writeByte(LinkFrames.HELLO);
            out.write(hello);
            out.writeInt(5);
            out.writeByte(LinkFrames.MESSAGE);
            out.writeInt(42);
            out.flush();
            stranger.setSoTimeout(20_000);
            // No welcome: the node closes the connection.
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aMessageBeforeTheHelloOrAFrameOverTheLimitClosesTheLink() throws Exception {
        PeerLinks b = member("b", KEY);
        BlockingQueue<Received> got = receivedBy(b);
        for (byte[] bad : List.of(
                new byte[] {0, 0, 0, 5, LinkFrames.MESSAGE, 0, 0, 0, 1},
                new byte[] {0, 0, 0x10, 0, LinkFrames.HELLO},
                new byte[] {0, 0, 0, 0})) {
            try (Socket s = new Socket("127.0.0.1", b.port())) {
                s.setSoTimeout(20_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                in.readFully(new byte[4 + 1 + 37]);
                s.getOutputStream().write(bad);
                s.getOutputStream().flush();
                assertThat(in.read()).isEqualTo(-1);
            }
        }
        assertThat(got).isEmpty();
    }

    @Test
    void whileTheOtherMemberDoesNotReadAtMostTheQueueLimitWaitsAndWhatWasQueuedArrivesInOrder() throws Exception {
        PeerLinks a = member("a", KEY);
        PeerLinks b = member("b", KEY);
        knows(a, "a", b);
        CountDownLatch stalled = new CountDownLatch(1);
        BlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
        b.receivers((peer, bytes) -> {
            try {
                // Holds b's only link thread, so b reads nothing more, as a member too slow to keep up.
                stalled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(bytes);
        }, (peer, bytes) -> { });

        int size = 100 * 1024;
        int queued = 0;
        int sent = 0;
        // Far more than the queue limit, socket buffers and the link's write buffer together.
        int attempts = (int) (3 * PeerLinks.MAX_QUEUED_BYTES / size);
        for (; sent < attempts; sent++) {
            PeerLinks.Sent s = a.sendMessage("b", numbered(queued, size));
            if (s == PeerLinks.Sent.DROPPED) {
                break;
            }
            queued++;
        }
        assertThat(sent).as("a message was dropped before %d were sent", attempts).isLessThan(attempts);
        assertThat((long) queued * size).isGreaterThanOrEqualTo(PeerLinks.MAX_QUEUED_BYTES);
        assertThat(a.dropped("b")).isEqualTo(1);

        stalled.countDown();
        for (int i = 0; i < queued; i++) {
            byte[] bytes = got.poll(20, TimeUnit.SECONDS);
            assertThat(bytes).as("message %d of %d", i, queued).isNotNull();
            assertThat(ByteBuffer.wrap(bytes).getInt()).isEqualTo(i);
        }
    }
}
