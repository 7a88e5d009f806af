package io.aldis.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Deliver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes on loopback, each in its own JVM with its own Hazelcast member (the cluster feature
 * as Karaf runs it, linked to pub/sub): cross-node pub/sub with wildcards, nothing sent to a node
 * without matching interest, a queue group served once cluster-wide, a stranger with another
 * secret kept out, the interest and traffic {@code aldis:cluster-routes} shows per peer, each
 * member's sessions as {@code aldis:cluster-list} shows them, and a node killed with kill -9 while the others carry on and tell of it on
 * {@code $sys.cluster.member.left}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// A child JVM that hangs must fail its test, not hold the build: counts() reads its output without a limit.
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class ClusterPubSubTest {
    private static final String SECRET = "three-nodes-on-loopback";
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    private static int[] memberPorts;
    private static ChildNode.Clustered a;
    private static ChildNode.Clustered b;
    private static ChildNode.Clustered c;
    private static final List<FrameClient> clients = new ArrayList<>();

    @BeforeAll
    static void startThreeNodes() throws Exception {
        memberPorts = ChildNode.freePorts(3);
        CompletableFuture<ChildNode.Clustered> fa = startAsync("a", 0);
        CompletableFuture<ChildNode.Clustered> fb = startAsync("b", 1);
        CompletableFuture<ChildNode.Clustered> fc = startAsync("c", 2);
        a = fa.get(2, TimeUnit.MINUTES);
        b = fb.get(2, TimeUnit.MINUTES);
        c = fc.get(2, TimeUnit.MINUTES);
        for (ChildNode.Clustered n : List.of(a, b, c)) {
            await(n, v -> v.members() == 3, "three members");
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (FrameClient client : clients) {
            client.close();
        }
        for (ChildNode.Clustered n : new ChildNode.Clustered[] {a, b, c}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    @Order(1)
    void aPublishReachesWildcardSubscribersOnAnotherNodeAndOnlyTheNodeWithInterest() throws Exception {
        FrameClient onC = login(c);
        onC.subscribeOk(1, "orders.*.created");
        onC.subscribeOk(2, "metrics.>");
        FrameClient onA = login(a);
        FrameClient onB = login(b);
        await(a, v -> v.patternsOf("c") == 2, "a knows c's two patterns");
        await(b, v -> v.patternsOf("c") == 2, "b knows c's two patterns");
        ChildNode.Counts aBefore = a.counts();
        ChildNode.Counts bBefore = b.counts();
        ChildNode.Counts cBefore = c.counts();

        for (int i = 0; i < 10; i++) {
            onA.publish("orders.eu.created", "o" + i);
            onA.publish("metrics.cpu.load", "m" + i);
            onA.publish("orders.eu.deleted", "d" + i); // matches nothing anywhere
        }
        onB.publish("metrics.mem", "from-b");

        List<String> got = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            Deliver d = onC.deliver();
            got.add(d.subject() + "=" + FrameClient.text(d));
        }
        assertThat(got).contains("orders.eu.created=o0", "orders.eu.created=o9", "metrics.cpu.load=m0",
                "metrics.cpu.load=m9", "metrics.mem=from-b");
        assertThat(got).noneMatch(s -> s.startsWith("orders.eu.deleted"));
        // Only messages some node wants cross: 20 from a to c, 1 from b to c, none to b or a.
        ChildNode.Counts aAfter = a.counts();
        ChildNode.Counts bAfter = b.counts();
        ChildNode.Counts cAfter = awaitCounts(c, v -> v.received() - cBefore.received() >= 21, "c received 21");
        assertThat(aAfter.sent() - aBefore.sent()).isEqualTo(20);
        assertThat(bAfter.sent() - bBefore.sent()).isEqualTo(1);
        assertThat(cAfter.received() - cBefore.received()).isEqualTo(21);
        assertThat(bAfter.received() - bBefore.received()).isZero();
        assertThat(aAfter.received() - aBefore.received()).isZero();
        onC.unsubscribe(1);
        onC.unsubscribe(2);
        // The next test counts patterns again: it must not meet these on their way out.
        await(a, v -> v.patternsOf("c") == 0, "a knows c has no pattern left");
    }

    @Test
    @Order(2)
    void eachMessageToAQueueGroupIsDeliveredOnceClusterWide() throws Exception {
        List<FrameClient> workers = new ArrayList<>();
        for (ChildNode.Clustered n : List.of(a, b, c)) {
            FrameClient w = login(n);
            w.subscribeOk(10, "jobs.*", "workers", "");
            workers.add(w);
        }
        await(a, v -> v.patternsOf("b") == 1 && v.patternsOf("c") == 1, "a knows the workers on b and c");
        FrameClient publisher = login(a);
        int messages = 90;
        for (int i = 0; i < messages; i++) {
            publisher.publish("jobs.run", "job-" + i);
        }

        // a takes turns among the three nodes, so each worker gets a third; any duplicate would
        // show as a fourth share or as a repeated job.
        Set<String> jobs = new HashSet<>();
        int total = 0;
        for (FrameClient w : workers) {
            for (int i = 0; i < messages / 3; i++) {
                jobs.add(FrameClient.text(w.deliver()));
                total++;
            }
        }
        for (FrameClient w : workers) {
            w.expectSilence(1000);
        }
        assertThat(total).isEqualTo(messages);
        assertThat(jobs).hasSize(messages);
        for (FrameClient w : workers) {
            w.unsubscribe(10);
        }
        await(b, v -> v.patternsOf("a") == 0, "b knows a has no pattern left");
    }

    @Test
    @Order(3)
    void clusterRoutesShowEachPeersInterestAndTheTrafficWithIt() throws Exception {
        FrameClient onC = login(c);
        onC.subscribeOk(30, "routes.>");
        onC.subscribeOk(31, "routes.q", "grouped", "");
        await(a, v -> v.patternsOf("c") == 2, "a knows c's two patterns");
        String[] aToCBefore = routeTo(a, "c");
        String[] cFromABefore = routeTo(c, "a");
        assertThat(aToCBefore[9]).isEqualTo("routes.>, routes.q [grouped]");

        FrameClient onA = login(a);
        String payload = "p".repeat(100);
        for (int i = 0; i < 5; i++) {
            onA.publish("routes.t", payload);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(FrameClient.text(onC.deliverOn("routes.t"))).isEqualTo(payload);
        }

        // Columns: node, address, patterns, sent, bytes sent, dropped, received, bytes received, last activity, interest.
        String[] aToC = routeTo(a, "c");
        String[] cFromA = routeTo(c, "a");
        assertThat(aToC[2]).isEqualTo("2");
        assertThat(number(aToC, 3) - number(aToCBefore, 3)).isEqualTo(5);
        long bytes = number(aToC, 4) - number(aToCBefore, 4);
        assertThat(bytes).isGreaterThanOrEqualTo(5 * 100);
        assertThat(aToC[5]).isEqualTo("0");
        assertThat(number(cFromA, 6) - number(cFromABefore, 6)).isEqualTo(5);
        assertThat(number(cFromA, 7) - number(cFromABefore, 7)).isEqualTo(bytes);
        assertThat(aToC[8]).endsWith(" ago");
        assertThat(cFromA[8]).endsWith(" ago");
        assertThat(routeTo(c, "b")[9]).isEmpty();
        onC.unsubscribe(30);
        onC.unsubscribe(31);
        await(a, v -> v.patternsOf("c") == 0, "a knows c has no pattern left");
    }

    @Test
    @Order(4)
    void everyMemberKnowsHowManySessionsEachOtherHas() throws Exception {
        int before = awaitCounts(c, v -> v.sessions().getOrDefault("c", -1) >= 0, "c counts its own sessions")
                .sessions().get("c");
        FrameClient first = c.login();
        FrameClient second = c.login();
        await(c, v -> v.sessions().get("c") == before + 2, "c counts the two new sessions");
        await(a, v -> v.sessions().getOrDefault("c", -1) == before + 2, "a knows c's two new sessions");
        await(b, v -> v.sessions().getOrDefault("c", -1) == before + 2, "b knows c's two new sessions");
        first.close();
        second.close();
        await(a, v -> v.sessions().getOrDefault("c", -1) == before, "a knows c's two sessions ended");
    }

    @Test
    @Order(5)
    void aNodeWithAnotherSecretDoesNotJoin() throws Exception {
        int[] port = ChildNode.freePorts(1);
        try (ChildNode.Clustered stranger = ChildNode.startClustered("stranger", "not-the-cluster-secret", port[0],
                List.of(address(0), address(1), address(2)))) {
            // start returns once the stranger's member has settled: refused, it formed its own cluster.
            assertThat(stranger.counts().members()).isEqualTo(1);
            assertThat(a.counts().members()).isEqualTo(3);
            assertThat(b.counts().members()).isEqualTo(3);
        }
    }

    @Test
    @Order(6)
    void whenANodeIsKilledTheOthersSeeItLeaveAndKeepServing() throws Exception {
        FrameClient onA = login(a);
        onA.subscribeOk(20, "after.*");
        FrameClient adminOnA = FrameClient.tcp(a.port());
        clients.add(adminOnA);
        adminOnA.login(ChildNode.ADMIN, NodeFixture.PASSWORD);
        adminOnA.subscribeOk(21, "$sys.cluster.member.left");
        await(b, v -> v.patternsOf("a") == 1, "b knows a's pattern");

        c.process().destroyForcibly(); // SIGKILL: no goodbye to the cluster
        c.process().waitFor(30, TimeUnit.SECONDS);
        await(a, v -> v.members() == 2, "a sees two members");
        await(b, v -> v.members() == 2, "b sees two members");
        String left = FrameClient.text(adminOnA.deliverOn("$sys.cluster.member.left"));
        assertThat(left).contains("\"node\":\"c\"").contains("\"members\":2").contains("\"cluster\":\"test\"");

        FrameClient onB = login(b);
        onB.publish("after.kill", "still-here");
        assertThat(FrameClient.text(onA.deliverOn("after.kill"))).isEqualTo("still-here");
    }

    // ---------------------------------------------------------------- helpers

    /** The columns of {@code aldis:cluster-routes --no-format} on {@code node} for the route to {@code peer}. */
    private static String[] routeTo(ChildNode.Clustered node, String peer) throws IOException {
        List<String> rows = node.routes();
        for (String row : rows) {
            String[] cells = row.split("\t", -1);
            if (cells[0].trim().equals(peer)) {
                // An empty last column may be left out of the line.
                String[] columns = new String[10];
                for (int i = 0; i < columns.length; i++) {
                    columns[i] = i < cells.length ? cells[i].trim() : "";
                }
                return columns;
            }
        }
        throw new AssertionError("node " + node.name() + " has no route to " + peer + ": " + rows);
    }

    private static long number(String[] columns, int index) {
        return Long.parseLong(columns[index]);
    }

    private static CompletableFuture<ChildNode.Clustered> startAsync(String name, int index) {
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (i != index) {
                others.add(address(i));
            }
        }
        return ChildNode.startAsync(() -> ChildNode.startClustered(name, SECRET, memberPorts[index], others));
    }

    private static String address(int index) {
        return "127.0.0.1:" + memberPorts[index];
    }

    private static FrameClient login(ChildNode.Clustered node) throws Exception {
        FrameClient client = node.login();
        clients.add(client);
        return client;
    }

    private static void await(ChildNode.Clustered node, Predicate<ChildNode.Counts> condition, String what)
            throws Exception {
        node.awaitCounts(condition, what, CONVERGE);
    }

    private static ChildNode.Counts awaitCounts(ChildNode.Clustered node, Predicate<ChildNode.Counts> condition,
            String what) throws Exception {
        return node.awaitCounts(condition, what, CONVERGE);
    }
}
