package io.aldis.feature.cluster.internal.links;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.cluster.internal.membership.ClusterSecret;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Members' links on loopback, and strangers knocking on one. */
@Timeout(60)
class PeerLinksTest {
    private static final byte[] KEY = ClusterSecret.linkKey("links", "a-secret-of-sixteen-or-more");
    private static final byte[] OTHER_KEY = ClusterSecret.linkKey("links", "another-secret-of-sixteen");
    private final List<PeerLinks> opened = new ArrayList<>();
    /** The members of the test's cluster: who is a member, and where its link port is. */
    private final Map<String, InetSocketAddress> members = new ConcurrentHashMap<>();

    @AfterEach
    void close() {
        opened.forEach(PeerLinks::close);
    }

    /** A member of the test's cluster, listening for links. */
    private PeerLinks member(String id) {
        PeerLinks links = new PeerLinks(KEY, "127.0.0.1", true, 0);
        opened.add(links);
        links.members(members::get, () -> id);
        members.put(id, new InetSocketAddress("127.0.0.1", links.port()));
        return links;
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

    /**
     * The other end closed the connection: the next read ends the stream, or fails with a reset
     * when bytes this side wrote were still unread there when it closed.
     */
    private static void assertClosed(java.io.InputStream in) throws java.io.IOException {
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (java.net.SocketException reset) {
            assertThat(reset).hasMessageContaining("reset");
        }
    }

    private static int number(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getInt();
    }

    @Test
    void messagesAndCallsArriveInTheOrderSentWithTheSendersProvenId() throws Exception {
        PeerLinks a = member("a");
        PeerLinks b = member("b");
        BlockingQueue<Received> got = receivedBy(b);

        int count = 20_000;
        for (int i = 0; i < count; i++) {
            // Some bodies over the size the link gathers into one write, which go as they are.
            int size = i % 1000 == 999 ? 100_000 : 4 + i % 200;
            PeerLinks.Sent sent = i % 3 == 0 ? a.sendRpc("b", numbered(i, size)) : a.sendMessage("b", numbered(i, size));
            assertThat(sent).isEqualTo(PeerLinks.Sent.QUEUED);
        }
        for (int i = 0; i < count; i++) {
            Received r = got.poll(20, TimeUnit.SECONDS);
            assertThat(r).as("message %d", i).isNotNull();
            assertThat(r.peer()).isEqualTo("a");
            assertThat(r.kind()).isEqualTo(i % 3 == 0 ? "rpc" : "message");
            assertThat(r.bytes()).hasSize(i % 1000 == 999 ? 100_000 : 4 + i % 200);
            assertThat(number(r.bytes())).isEqualTo(i);
        }
        assertThat(a.sendMessage("nobody", new byte[1])).isEqualTo(PeerLinks.Sent.NO_LINK);
    }

    @Test
    void aMemberNotSeenYetLinksOnceSeenAndOneThatAnnouncedNoLinkIsLookedAtAgainWhenItJoins() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        PeerLinks a = new PeerLinks(KEY, "127.0.0.1", true, 0);
        opened.add(a);
        a.members(members::get, peer -> false, seen::contains, () -> "a");
        // b takes a link only from a member it knows.
        members.put("a", new InetSocketAddress("127.0.0.1", a.port()));
        PeerLinks b = new PeerLinks(KEY, "127.0.0.1", true, 0);
        opened.add(b);
        b.members(members::get, () -> "b");
        BlockingQueue<Received> got = receivedBy(b);

        // Not a member yet as a sees it: no link, and nothing remembered.
        assertThat(a.sendMessage("b", numbered(1, 4))).isEqualTo(PeerLinks.Sent.NO_LINK);
        seen.add("b");
        members.put("b", new InetSocketAddress("127.0.0.1", b.port()));
        assertThat(a.sendMessage("b", numbered(2, 4))).isEqualTo(PeerLinks.Sent.QUEUED);
        assertThat(number(got.poll(20, TimeUnit.SECONDS).bytes())).isEqualTo(2);

        // A member that announced no link is remembered as such until it joins again.
        seen.add("c");
        assertThat(a.sendMessage("c", numbered(3, 4))).isEqualTo(PeerLinks.Sent.NO_LINK);
        members.put("c", new InetSocketAddress("127.0.0.1", b.port()));
        assertThat(a.sendMessage("c", numbered(4, 4))).isEqualTo(PeerLinks.Sent.NO_LINK);
        a.joined("c");
        assertThat(a.sendMessage("c", numbered(5, 4))).isEqualTo(PeerLinks.Sent.QUEUED);
    }

    @Test
    void bodiesWrittenOnTheLinksThreadArriveAsWrittenSmallAndLarge() throws Exception {
        PeerLinks a = member("a");
        PeerLinks b = member("b");
        BlockingQueue<Received> got = receivedBy(b);
        for (int size : new int[] {5, 70_000, 9}) {
            LinkBody body = new LinkBody() {
                @Override
                public int length() {
                    return size;
                }

                @Override
                public void writeTo(io.netty.buffer.ByteBuf out) {
                    for (int i = 0; i < size; i++) {
                        out.writeByte(i % 251);
                    }
                }
            };
            assertThat(a.sendMessage("b", body, size)).isEqualTo(PeerLinks.Sent.QUEUED);
        }
        for (int size : new int[] {5, 70_000, 9}) {
            byte[] bytes = got.poll(20, TimeUnit.SECONDS).bytes();
            assertThat(bytes).hasSize(size);
            for (int i = 0; i < size; i++) {
                assertThat(bytes[i]).isEqualTo((byte) (i % 251));
            }
        }
    }

    @Test
    void callsWaitingForALinkThatCannotBeMadeAreDroppedAndReportedAndLaterCallsFailAtOnce() throws Exception {
        PeerLinks a = member("a");
        BlockingQueue<String> lost = new LinkedBlockingQueue<>();
        a.onLinkLost(lost::add);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        members.put("b", new InetSocketAddress("127.0.0.1", closedPort));
        assertThat(a.sendMessage("b", numbered(1, 4))).isEqualTo(PeerLinks.Sent.QUEUED);
        // Queued if the first attempt has not failed yet, refused if it has: never sent later.
        assertThat(a.sendRpc("b", numbered(2, 4))).isIn(PeerLinks.Sent.QUEUED, PeerLinks.Sent.DOWN);

        assertThat(lost.poll(20, TimeUnit.SECONDS)).isEqualTo("b");
        assertThat(a.down("b")).isTrue();
        assertThat(a.sendRpc("b", numbered(3, 4))).isEqualTo(PeerLinks.Sent.DOWN);

        // b comes up where a looks for it (ready to receive before a can find it): the messages
        // waited, the calls did not.
        PeerLinks b = new PeerLinks(KEY, "127.0.0.1", true, 0);
        opened.add(b);
        b.members(members::get, () -> "b");
        BlockingQueue<Received> got = receivedBy(b);
        members.put("b", new InetSocketAddress("127.0.0.1", b.port()));
        assertThat(a.sendMessage("b", numbered(4, 4))).isEqualTo(PeerLinks.Sent.QUEUED);
        for (int expected : new int[] {1, 4}) {
            Received r = got.poll(20, TimeUnit.SECONDS);
            assertThat(r).as("message %d", expected).isNotNull();
            assertThat(r.kind()).isEqualTo("message");
            assertThat(number(r.bytes())).isEqualTo(expected);
        }
    }

    @Test
    void aMemberThatOpensItsLinkAgainEndsTheCallsOfTheOldOneAndPingsAreAnswered() throws Exception {
        PeerLinks b = member("b");
        BlockingQueue<String> lostOnB = new LinkedBlockingQueue<>();
        b.onLinkLost(lostOnB::add);
        members.put("a", new InetSocketAddress("127.0.0.1", 1));
        Socket first = handshake(b, "a");
        Socket second = handshake(b, "a");
        assertThat(lostOnB.poll(20, TimeUnit.SECONDS)).isEqualTo("a");
        assertClosed(first.getInputStream());

        DataOutputStream out = new DataOutputStream(second.getOutputStream());
        out.writeInt(1);
        out.writeByte(LinkFrames.PING);
        out.flush();
        DataInputStream in = new DataInputStream(second.getInputStream());
        assertThat(in.readInt()).isEqualTo(1);
        assertThat(in.readByte()).isEqualTo(LinkFrames.PONG);
        first.close();
        second.close();
    }

    /** A link to {@code to} opened by hand as member {@code id}, its handshake done. */
    private static Socket handshake(PeerLinks to, String id) throws Exception {
        Socket s = new Socket("127.0.0.1", to.port());
        s.setSoTimeout(20_000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] challenge = new byte[in.readInt() - 1];
        assertThat(in.readByte()).isEqualTo(LinkFrames.CHALLENGE);
        in.readFully(challenge);
        byte[] hello = new LinkHandshake(KEY).hello(LinkHandshake.readChallenge(challenge), LinkHandshake.nonce(), id);
        out.writeInt(1 + hello.length);
        out.writeByte(LinkFrames.HELLO);
        out.write(hello);
        out.flush();
        byte[] welcome = new byte[in.readInt() - 1];
        assertThat(in.readByte()).isEqualTo(LinkFrames.WELCOME);
        in.readFully(welcome);
        return s;
    }

    @Test
    void aBodyThatWritesAnotherLengthThanItAnnouncedIsDroppedAloneAndTheOthersArriveWhole() throws Exception {
        PeerLinks a = member("a");
        PeerLinks b = member("b");
        BlockingQueue<Received> got = receivedBy(b);
        LinkBody liar = new LinkBody() {
            @Override
            public int length() {
                return 8;
            }

            @Override
            public void writeTo(io.netty.buffer.ByteBuf out) {
                out.writeLong(1).writeLong(2);
            }
        };
        LinkBody failing = new LinkBody() {
            @Override
            public int length() {
                return 4;
            }

            @Override
            public void writeTo(io.netty.buffer.ByteBuf out) {
                throw new IllegalStateException("headers changed");
            }
        };
        a.sendMessage("b", numbered(1, 4));
        a.sendMessage("b", liar, 8);
        a.sendMessage("b", failing, 4);
        a.sendMessage("b", numbered(2, 4));
        assertThat(number(got.poll(20, TimeUnit.SECONDS).bytes())).isEqualTo(1);
        Received next = got.poll(20, TimeUnit.SECONDS);
        assertThat(next.bytes()).hasSize(4);
        assertThat(number(next.bytes())).isEqualTo(2);
        assertThat(a.dropped("b")).isEqualTo(2);
    }

    @Test
    void aProgramWithAnotherSecretIsRefusedBeforeItsFirstMessage() throws Exception {
        PeerLinks b = member("b");
        BlockingQueue<Received> got = receivedBy(b);
        try (Socket stranger = new Socket("127.0.0.1", b.port())) {
            DataInputStream in = new DataInputStream(stranger.getInputStream());
            // HELLO and MESSAGE leave in one write: the node refuses as soon as it reads HELLO, and a
            // second write after that could meet the closed connection instead of being refused.
            DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(stranger.getOutputStream()));
            int length = in.readInt();
            assertThat(in.readByte()).isEqualTo(LinkFrames.CHALLENGE);
            byte[] challenge = new byte[length - 1];
            in.readFully(challenge);
            byte[] serverNonce = LinkHandshake.readChallenge(challenge);
            // It even names a member of the cluster.
            byte[] hello = new LinkHandshake(OTHER_KEY).hello(serverNonce, LinkHandshake.nonce(), "b");
            out.writeInt(1 + hello.length);
            out.writeByte(LinkFrames.HELLO);
            out.write(hello);
            out.writeInt(5);
            out.writeByte(LinkFrames.MESSAGE);
            out.writeInt(42);
            out.flush();
            stranger.setSoTimeout(20_000);
            // No welcome: the node closes the connection.
            assertClosed(in);
        }
        assertThat(got).isEmpty();
    }

    @Test
    void aMemberDoesNotSendToAnEndThatDoesNotProveItIsTheMemberItMeant() throws Exception {
        PeerLinks a = member("a");
        try (ServerSocket impostor = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            members.put("b", new InetSocketAddress("127.0.0.1", impostor.getLocalPort()));
            assertThat(a.sendMessage("b", numbered(7, 8))).isEqualTo(PeerLinks.Sent.QUEUED);
            try (Socket link = impostor.accept()) {
                link.setSoTimeout(20_000);
                DataInputStream in = new DataInputStream(link.getInputStream());
                DataOutputStream out = new DataOutputStream(link.getOutputStream());
                byte[] serverNonce = LinkHandshake.nonce();
                byte[] challenge = LinkHandshake.challenge(serverNonce);
                out.writeInt(1 + challenge.length);
                out.writeByte(LinkFrames.CHALLENGE);
                out.write(challenge);
                out.flush();
                int length = in.readInt();
                assertThat(in.readByte()).isEqualTo(LinkFrames.HELLO);
                byte[] hello = new byte[length - 1];
                in.readFully(hello);
                byte[] clientNonce = java.util.Arrays.copyOf(hello, LinkHandshake.NONCE);
                // It knows the secret, but it is member c, not b.
                byte[] welcome = new LinkHandshake(KEY).welcome(serverNonce, clientNonce, "c");
                out.writeInt(1 + welcome.length);
                out.writeByte(LinkFrames.WELCOME);
                out.write(welcome);
                out.flush();
                // The member closes the link and sends nothing of what waits.
                assertClosed(in);
            }
        }
    }

    @Test
    void aLinkThatBreaksIsOpenedAgainAndTellsOfTheLoss() throws Exception {
        PeerLinks a = member("a");
        PeerLinks b = member("b");
        BlockingQueue<Received> got = receivedBy(b);
        BlockingQueue<String> lostOnA = new LinkedBlockingQueue<>();
        BlockingQueue<String> lostOnB = new LinkedBlockingQueue<>();
        a.onLinkLost(lostOnA::add);
        b.onLinkLost(lostOnB::add);
        a.sendMessage("b", numbered(1, 4));
        assertThat(got.poll(20, TimeUnit.SECONDS).bytes()).isEqualTo(numbered(1, 4));

        // b forgets a, as when it saw a leave: a's link is cut from b's side.
        b.forget("a");
        assertThat(lostOnA.poll(20, TimeUnit.SECONDS)).isEqualTo("b");
        // a opens its link again (a is still a member as far as b knows) and sends what comes next.
        for (int i = 2; ; i++) {
            a.sendMessage("b", numbered(i, 4));
            Received r = got.poll(200, TimeUnit.MILLISECONDS);
            if (r != null) {
                assertThat(r.peer()).isEqualTo("a");
                break;
            }
            assertThat(i).as("a's link came back").isLessThan(200);
        }
        assertThat(lostOnB).isEmpty();
    }

    @Test
    void aMessageBeforeTheHelloOrAFrameOverTheLimitClosesTheLink() throws Exception {
        PeerLinks b = member("b");
        BlockingQueue<Received> got = receivedBy(b);
        for (byte[] bad : List.of(
                new byte[] {0, 0, 0, 5, LinkFrames.MESSAGE, 0, 0, 0, 1},
                new byte[] {0, 0, 0x10, 0, LinkFrames.HELLO},
                new byte[] {0, 0, 0, 0})) {
            try (Socket s = new Socket("127.0.0.1", b.port())) {
                s.setSoTimeout(20_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                in.readFully(new byte[LinkFrames.HEADER + LinkHandshake.CHALLENGE_LENGTH]);
                s.getOutputStream().write(bad);
                s.getOutputStream().flush();
                assertClosed(in);
            }
        }
        assertThat(got).isEmpty();
    }

    @Test
    void whileTheOtherMemberDoesNotReadAtMostTheQueueLimitWaitsAndWhatWasQueuedArrivesInOrder() throws Exception {
        PeerLinks a = member("a");
        PeerLinks b = member("b");
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        BlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
        b.receivers((peer, bytes) -> {
            holding.countDown();
            try {
                // Holds b's only link thread, so b reads nothing more, as a member too slow to keep up.
                stalled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            got.add(bytes);
        }, (peer, bytes) -> { });

        int size = 100 * 1024;
        assertThat(a.sendMessage("b", numbered(0, size))).isEqualTo(PeerLinks.Sent.QUEUED);
        // The link is up and b is stuck in the first message before the flood starts.
        assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
        int queued = 1;
        int attempts = (int) (3 * PeerLinks.MAX_QUEUED_BYTES / size);
        int sent = 1;
        for (; sent < attempts; sent++) {
            if (a.sendMessage("b", numbered(queued, size)) == PeerLinks.Sent.DROPPED) {
                break;
            }
            queued++;
        }
        assertThat(sent).as("a message was dropped before %d were sent", attempts).isLessThan(attempts);
        // What was taken: the queue's limit, what the link's write buffer and both sockets hold
        // (a few MiB on loopback), and the last message that still fit.
        assertThat((long) queued * size).isGreaterThanOrEqualTo(PeerLinks.MAX_QUEUED_BYTES)
                .isLessThan(PeerLinks.MAX_QUEUED_BYTES + 16L * 1024 * 1024);
        assertThat(a.dropped("b")).isEqualTo(1);

        stalled.countDown();
        for (int i = 0; i < queued; i++) {
            byte[] bytes = got.poll(20, TimeUnit.SECONDS);
            assertThat(bytes).as("message %d of %d", i, queued).isNotNull();
            assertThat(number(bytes)).isEqualTo(i);
        }
    }
}
