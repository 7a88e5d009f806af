package io.aldis.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SessionInfo;
import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Clients learn the cluster's nodes from their node (docs/protocol.md 4.9): three nodes on
 * loopback, each in its own JVM with its own Hazelcast member. A client that asks is told every
 * node's address right after it logged in; one that does not ask is told nothing; and a Java
 * client given only node a's address learns b and c, and when a is killed with kill -9 it resumes
 * its session on one of them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterAddressesTest {
    private static final String SECRET = "clients-learn-the-other-nodes";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long ASKS = FrameClient.ALL_BUT_LZ4_AND_ADDRESSES | Capability.NODE_ADDRESSES.mask();

    private static int[] memberPorts;
    private static final ChildNode.Clustered[] nodes = new ChildNode.Clustered[3];
    private static final List<AutoCloseable> cleanup = new ArrayList<>();

    @BeforeAll
    static void startThreeNodes() throws Exception {
        memberPorts = ChildNode.freePorts(3);
        List<CompletableFuture<ChildNode.Clustered>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starting.add(startAsync(i));
        }
        for (int i = 0; i < 3; i++) {
            nodes[i] = starting.get(i).get(2, TimeUnit.MINUTES);
        }
        for (ChildNode.Clustered n : nodes) {
            ChildNode.awaitTrue(() -> n.counts().members() == 3, "node " + n.name() + " sees 3 members", WAIT);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        for (ChildNode.Clustered n : nodes) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    @Order(1)
    void aClientThatAsksIsToldEveryNodeRightAfterItLoggedInOrResumed() throws Exception {
        String token;
        try (FrameClient onB = FrameClient.tcp(nodes[1].port())) {
            token = onB.login(ChildNode.USER, NodeFixture.PASSWORD, ASKS).resumeToken();
            assertThat(onB.connectAck().capabilities() & Capability.NODE_ADDRESSES.mask())
                    .as("a clustered node offers the addresses").isNotZero();
            Frame first = onB.read();
            assertThat(first).as("the frame right after AUTH_OK").isInstanceOf(NodeAddresses.class);
            List<String> everyNode = List.of(tcp(nodes[0]), tcp(nodes[1]), tcp(nodes[2]));
            NodeAddresses told = (NodeAddresses) first;
            // Every node announces itself as it starts: a list sent before the last one did is
            // followed by one that has it.
            while (!told.addresses().containsAll(everyNode)) {
                told = onB.await(NodeAddresses.class);
            }
            assertThat(told.addresses()).containsExactlyInAnyOrderElementsOf(everyNode);
        }
        // A client that resumes its session with its token, on another node, is told the same way.
        try (FrameClient onC = FrameClient.tcp(nodes[2].port())) {
            assertThat(onC.connect(ASKS, token).authenticated()).as("resumed on c").isTrue();
            Frame first = onC.read();
            assertThat(first).as("the frame right after the CONNECT_ACK of a resumed session")
                    .isInstanceOf(NodeAddresses.class);
            assertThat(((NodeAddresses) first).addresses()).containsExactlyInAnyOrderElementsOf(
                    List.of(tcp(nodes[0]), tcp(nodes[1]), tcp(nodes[2])));
        }
    }

    @Test
    @Order(2)
    void aClientThatDoesNotAskIsToldNothing() throws Exception {
        try (FrameClient onB = FrameClient.tcp(nodes[1].port())) {
            AuthOk ok = onB.login(ChildNode.USER, NodeFixture.PASSWORD, FrameClient.ALL_BUT_LZ4_AND_ADDRESSES);
            assertThat(ok.user()).isEqualTo(ChildNode.USER);
            // A client that asks gets the list as the next frame after AUTH_OK, before any answer:
            // here the PONG to a PING sent after AUTH_OK comes first, so no list was sent.
            onB.send(new Ping(42));
            assertThat(onB.read()).isEqualTo(new Pong(42));
        }
    }

    @Test
    @Order(3)
    void aJavaClientGivenOneNodeLearnsTheOthersAndResumesOnOneWhenItsNodeIsKilled() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CompletableFuture<SessionInfo> reconnected = new CompletableFuture<>();
        AtomicLong reconnectedAt = new AtomicLong();
        AtomicLong firstDelayMillis = new AtomicLong(-1);
        AldisClient client = AldisClient.builder()
                .addresses(hostPort(nodes[0]))
                .credentials(ChildNode.USER, NodeFixture.PASSWORD.toCharArray())
                .reconnect(ReconnectPolicy.defaultPolicy())
                .listener(new ConnectionListener() {
                    @Override
                    public void reconnecting(int attempt, Duration delay, DisconnectReason lost) {
                        if (attempt == 1) {
                            firstDelayMillis.compareAndSet(-1, delay.toMillis());
                        }
                    }

                    @Override
                    public void reconnected(SessionInfo session) {
                        reconnectedAt.set(System.nanoTime());
                        reconnected.complete(session);
                    }
                })
                .build();
        cleanup.add(0, () -> client.close().get(10, TimeUnit.SECONDS));
        client.connect().get(30, TimeUnit.SECONDS);
        ChildNode.awaitTrue(() -> client.knownAddresses().equals(
                List.of(hostPort(nodes[0]), hostPort(nodes[1]), hostPort(nodes[2])))
                || client.knownAddresses().equals(List.of(hostPort(nodes[0]), hostPort(nodes[2]), hostPort(nodes[1]))),
                "the client knows a, then b and c", WAIT);
        client.subscribe("learned.>", m -> received.add(new String(m.payload(), StandardCharsets.UTF_8)));

        FrameClient publisher = FrameClient.tcp(nodes[2].port());
        cleanup.add(publisher);
        publisher.login(ChildNode.USER, NodeFixture.PASSWORD);
        publishUntilReceived(publisher, "learned.before", received);

        // The token's copies on b and c are what survives a; right after the cluster formed,
        // Hazelcast may still be placing them (docs/cluster.md, "Resume tokens").
        for (ChildNode.Clustered n : nodes) {
            ChildNode.awaitTrue(n::copiesInPlace, "node " + n.name() + " has every copy in place", WAIT);
        }
        int resumedBefore = nodes[1].sessions().resumed() + nodes[2].sessions().resumed();
        long killedAt = System.nanoTime();
        nodes[0].close(); // SIGKILL: a's connections break without a word

        SessionInfo session = reconnected.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // A figure for the record, not a check: timing is not asserted.
        System.out.printf(java.util.Locale.ROOT, "From the kill -9 of a to the client resumed on a node it learned of:"
                + " %.1f ms (%s)%n", (reconnectedAt.get() - killedAt) / 1e6, firstDelayMillis.get() < 0 ? "at once, without a"
                + " reconnect delay" : "after a reconnect delay of " + firstDelayMillis.get() + " ms");
        assertThat(session.resumed()).as("the client resumed its session with its token").isTrue();
        assertThat(nodes[1].sessions().resumed() + nodes[2].sessions().resumed())
                .as("on b or c, the nodes it learned of").isEqualTo(resumedBefore + 1);
        // Its subscription is set up again on the node it reached, and reached from c.
        publishUntilReceived(publisher, "learned.after", received);
    }

    // ---------------------------------------------------------------- helpers

    /** Publishes until the message arrives: a subscription is known to other nodes a little later. */
    private static void publishUntilReceived(FrameClient publisher, String subject, BlockingQueue<String> received)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            assertThat(System.nanoTime()).as("the client got a message on " + subject).isLessThan(deadline);
            publisher.publish(subject, subject);
            String m = received.poll(200, TimeUnit.MILLISECONDS);
            while (m != null) {
                if (m.equals(subject)) {
                    return;
                }
                m = received.poll();
            }
        }
    }

    private static String hostPort(ChildNode.Clustered node) {
        return "127.0.0.1:" + node.port();
    }

    private static String tcp(ChildNode.Clustered node) {
        return "tcp://" + hostPort(node);
    }

    private static CompletableFuture<ChildNode.Clustered> startAsync(int index) {
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (i != index) {
                others.add("127.0.0.1:" + memberPorts[i]);
            }
        }
        String name = String.valueOf((char) ('a' + index));
        return ChildNode.startAsync(() -> ChildNode.startClustered(name, SECRET, memberPorts[index], others));
    }
}
