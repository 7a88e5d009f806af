package io.aldis.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.TestCertificates;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the links between members (docs/cluster.md, "Links between members"). Nodes a and b, in
 * JVMs of their own, have TLS on their links with certificates each trusts. Node a sits behind a
 * NAT as the docs describe it: it binds 127.0.0.41 and the others reach it at 127.0.0.42, through
 * two proxies, one for its Hazelcast member and one for its link port, which keeps a copy of every
 * byte the other members' links send to a. Messages and calls cross, and what crossed is TLS, not
 * the payloads. A third node joins in two of the tests: one without TLS, and one with TLS and a
 * certificate a and b do not trust; neither links to b, and each log says why. A member that sends
 * through Hazelcast ({@code dataPath = hazelcast}) exchanges nothing with a member with TLS.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterLinkTlsTest {
    private static final String SECRET = "tls-between-the-members";
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final String A_BINDS = "127.0.0.41";
    private static final String A_REACHED_AT = "127.0.0.42";

    @TempDir
    static Path dir;
    private static TestCertificates certA;
    private static TestCertificates certB;
    private static TestCertificates certStranger;
    private static Path members;
    private static int[] ports;
    private static CuttingProxy memberProxy;
    private static CuttingProxy linkProxy;
    private static ChildNode.Clustered a;
    private static ChildNode.Clustered b;
    private static final List<FrameClient> clients = new ArrayList<>();

    @BeforeAll
    static void startTwoNodesWithTls() throws Exception {
        certA = TestCertificates.createIn(dir, "a");
        certB = TestCertificates.createIn(dir, "b");
        certStranger = TestCertificates.createIn(dir, "stranger");
        members = TestCertificates.trustStoreOf(dir.resolve("members.p12"), certA, certB);
        // a's member port, a's link port, b's member port, and one for the third node of each test.
        ports = ChildNode.freePorts(6);
        memberProxy = new CuttingProxy(A_REACHED_AT, ports[0], A_BINDS, ports[0]);
        linkProxy = new CuttingProxy(A_REACHED_AT, ports[1], A_BINDS, ports[1]);
        // From the first byte of every link to a: its TLS handshake included.
        linkProxy.record();
        CompletableFuture<ChildNode.Clustered> startA = ChildNode.startAsync(() -> ChildNode.startClustered("a",
                SECRET, A_BINDS, ports[0], A_REACHED_AT + ":" + ports[0], List.of(addressOfB()), false,
                new ChildNode.LinkOptions(certA.mutualSettings(members), ports[1], dir.resolve("a.log"))));
        CompletableFuture<ChildNode.Clustered> startB = ChildNode.startAsync(() -> ChildNode.startClustered("b",
                SECRET, "127.0.0.1", ports[2], "", List.of(A_REACHED_AT + ":" + ports[0]), true,
                new ChildNode.LinkOptions(certB.mutualSettings(members), 0, dir.resolve("b.log"))));
        a = startA.get(2, TimeUnit.MINUTES);
        b = startB.get(2, TimeUnit.MINUTES);
        for (ChildNode.Clustered n : List.of(a, b)) {
            ChildNode.awaitTrue(() -> n.counts().members() == 2, n.name() + " sees two members", CONVERGE);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        ChildNode.closeAll(clients, a, b);
        if (memberProxy != null) {
            memberProxy.close();
        }
        if (linkProxy != null) {
            linkProxy.close();
        }
    }

    @Test
    void messagesAndCallsCrossInsideTlsAndNoPayloadShowsOnTheWire() throws Exception {
        String payload = "payload-that-must-not-show-on-the-wire";
        String param = "parameter-that-must-not-show-on-the-wire";
        FrameClient onA = login(a);
        onA.subscribeOk(1, "secret.>");
        ChildNode.awaitTrue(() -> b.counts().patternsOf("a") == 1, "b sees a's interest", CONVERGE);
        FrameClient onB = login(b);
        onB.publish("secret.one", payload);
        assertThat(FrameClient.text(onA.deliverOn("secret.one"))).isEqualTo(payload);
        // And the other way, so that each side's link has carried a message when its column is read.
        onB.subscribeOk(2, "back.>");
        ChildNode.awaitTrue(() -> a.counts().patternsOf("b") == 1, "a sees b's interest", CONVERGE);
        // Sent once a's routes hold b's interest, which may come after the count a test can wait for.
        ChildNode.awaitTrue(() -> {
            onA.publish("back.one", "back");
            return Long.parseLong(cell(a, "b", 3)) > 0;
        }, "a sends b a message", CONVERGE);
        assertThat(FrameClient.text(onB.deliverOn("back.one"))).isEqualTo("back");

        // The call goes from a to b; its answer comes back over b's link to a, through the proxy.
        Frame answer = awaitAnswer(onA, "gate.quick", "[\"" + param + "\"]");
        assertThat(answer).isInstanceOf(RpcResponse.class);
        assertThat(new String(((RpcResponse) answer).result(), StandardCharsets.UTF_8)).isEqualTo("\"" + param + "\"");

        List<byte[]> links = linkProxy.recordedToNode();
        assertThat(links).as("b's link to a went through the proxy").isNotEmpty();
        for (byte[] link : links) {
            String seen = new String(link, StandardCharsets.ISO_8859_1);
            assertThat(seen).doesNotContain(payload).doesNotContain(param).doesNotContain("secret.one");
            // A TLS record of the handshake (22), where a link without TLS starts with its HELLO frame's length.
            assertThat(link[0]).as("the first byte of a link to a").isEqualTo((byte) 22);
            assertThat(link[1]).as("TLS major version").isEqualTo((byte) 3);
        }
        assertThat(links.stream().mapToInt(l -> l.length).sum()).as("bytes that went to a")
                .isGreaterThan(payload.length() + param.length());

        // Read on links that carried messages (Sent), not merely links that are configured.
        for (ChildNode.Clustered[] pair : new ChildNode.Clustered[][] {{a, b}, {b, a}}) {
            String peer = pair[1].name();
            assertThat(Long.parseLong(cell(pair[0], peer, 3))).as(pair[0].name() + "'s messages sent to " + peer)
                    .isPositive();
            assertThat(linkColumn(pair[0], peer)).as(pair[0].name() + "'s link to " + peer).isEqualTo("TLS");
        }
    }

    @Test
    void aMemberWithoutTlsDoesNotLinkAndBothSidesSayWhy() throws Exception {
        Path log = dir.resolve("plain.log");
        try (ChildNode.Clustered plain = ChildNode.startClustered("plain", SECRET, "127.0.0.1", ports[3], "",
                List.of("127.0.0.1:" + ports[2]), false, new ChildNode.LinkOptions(
                        TlsSettings.NONE, 0, log))) {
            ChildNode.awaitTrue(() -> b.counts().sessions().containsKey("plain"), "b sees the node without TLS", CONVERGE);
            // Each side has something to send the other, so each tries to open its link.
            FrameClient onPlain = login(plain);
            onPlain.subscribeOk(1, "mixed.>");
            FrameClient onB = login(b);
            onB.subscribeOk(1, "mixed.>");
            ChildNode.awaitTrue(() -> b.counts().patternsOf("plain") == 1 && plain.counts().patternsOf("b") == 1,
                    "each sees the other's interest", CONVERGE);
            awaitLog(dir.resolve("b.log"), "has links without TLS and this member's links require TLS",
                    () -> onB.publish("mixed.from-b", "x"));
            awaitLog(log, "requires TLS on its links and this member has no TLS settings",
                    () -> onPlain.publish("mixed.from-plain", "x"));
            assertThat(linkColumn(b, "plain")).isEqualTo("refused: the member has no TLS");
            assertThat(linkColumn(plain, "b")).isEqualTo("refused: the member requires TLS");

            // A call to the member behind the refused link fails as over a link that is down.
            ChildNode.awaitTrue(() -> plain.counts().serves("b", "gate"), "the node without TLS knows b serves gate",
                    CONVERGE);
            onPlain.call(7, "gate.quick", "[\"over a refused link\"]", 10_000);
            RpcError error = onPlain.callError(7);
            assertThat(error.code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        }
    }

    @Test
    void aMemberWhoseCertificateIsNotTrustedCannotLink() throws Exception {
        Path log = dir.resolve("stranger.log");
        // The stranger trusts a and b, but they do not trust it.
        Path itsTrust = TestCertificates.trustStoreOf(dir.resolve("stranger-trusts.p12"), certA, certB, certStranger);
        try (ChildNode.Clustered stranger = ChildNode.startClustered("stranger", SECRET, "127.0.0.1", ports[4], "",
                List.of("127.0.0.1:" + ports[2]), false,
                new ChildNode.LinkOptions(certStranger.mutualSettings(itsTrust), 0, log))) {
            ChildNode.awaitTrue(() -> b.counts().sessions().containsKey("stranger"), "b sees the stranger", CONVERGE);
            FrameClient onStranger = login(stranger);
            onStranger.subscribeOk(1, "untrusted.>");
            FrameClient onB = login(b);
            onB.subscribeOk(1, "untrusted.>");
            ChildNode.awaitTrue(() -> b.counts().patternsOf("stranger") == 1 && stranger.counts().patternsOf("b") == 1,
                    "each sees the other's interest", CONVERGE);
            // b's link to the stranger: b does not trust the certificate the stranger shows it.
            awaitLog(dir.resolve("b.log"), "its certificate is not in this member's trust store",
                    () -> onB.publish("untrusted.from-b", "x"));
            awaitLog(log, "does not accept this member's certificate");
            assertThat(linkColumn(b, "stranger")).isEqualTo("TLS, down");

            // The stranger's link to b: b, accepting, refuses the certificate it is shown.
            long before = Files.size(dir.resolve("b.log"));
            ChildNode.awaitTrue(() -> stranger.counts().serves("b", "gate"), "the stranger knows b serves gate",
                    CONVERGE);
            onStranger.call(7, "gate.quick", "[\"from a stranger\"]", 10_000);
            RpcError error = onStranger.callError(7);
            assertThat(error.code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
            // b's refusal of the stranger's link, for that reason: not any refusal b logged before.
            // The stranger's key is not issued by any authority b names, so the stranger shows none.
            awaitLogAfter(dir.resolve("b.log"), before, "Refused a cluster link from [^\\n]*: the other end presented"
                    + " no certificate this member's trust store \\(tls.trustStore\\) holds");
            assertThat(linkColumn(stranger, "b")).isEqualTo("TLS, down");
        }
    }

    @Test
    void nothingCrossesBetweenAMemberWithTlsAndOneThatSendsThroughHazelcast() throws Exception {
        Path log = dir.resolve("hazelcast.log");
        try (ChildNode.Clustered hz = ChildNode.startClustered("hz", SECRET, "127.0.0.1", ports[5], "",
                List.of("127.0.0.1:" + ports[2]), true, new ChildNode.LinkOptions(TlsSettings.NONE, 0, log,
                        "hazelcast", "hzgate"))) {
            ChildNode.awaitTrue(() -> b.counts().sessions().containsKey("hz") && hz.counts().sessions().containsKey("b"),
                    "b and the node without links see each other", CONVERGE);
            FrameClient onHz = login(hz);
            onHz.subscribeOk(1, "viahz.>");
            FrameClient onB = login(b);
            onB.subscribeOk(1, "viahz.>");
            ChildNode.awaitTrue(() -> b.counts().patternsOf("hz") == 1 && hz.counts().patternsOf("b") == 1,
                    "each sees the other's interest", CONVERGE);
            // Each message for the other is dropped where it is published, and counted there.
            ChildNode.awaitTrue(() -> {
                onB.publish("viahz.from-b", "x");
                return droppedColumn(b, "hz") > 0;
            }, "b drops what it has for the node without links", CONVERGE);
            ChildNode.awaitTrue(() -> {
                onHz.publish("viahz.from-hz", "x");
                return droppedColumn(hz, "b") > 0;
            }, "the node without links drops what it has for b", CONVERGE);
            awaitLog(dir.resolve("b.log"), "has no TLS links (it is not a member yet, or sends through Hazelcast)");
            awaitLog(log, "requires TLS on its links and this member sends through Hazelcast");
            assertThat(receivedColumn(b, "hz")).isZero();
            assertThat(receivedColumn(hz, "b")).isZero();
            assertThat(linkColumn(b, "hz")).isEqualTo("refused: the member has no TLS links");
            assertThat(linkColumn(hz, "b")).isEqualTo("refused: the member requires TLS");

            // Calls fail both ways as over a link that is down, and the services never run.
            ChildNode.awaitTrue(() -> hz.counts().serves("b", "gate") && b.counts().serves("hz", "hzgate"),
                    "each knows the other's service", CONVERGE);
            onHz.call(7, "gate.hold", "[\"from the node without links\"]", 10_000);
            assertThat(onHz.callError(7).code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
            onB.call(8, "hzgate.hold", "[\"from b\"]", 10_000);
            assertThat(onB.callError(8).code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
            assertThat(b.gate().entered()).as("calls that entered b's gate").isZero();
            assertThat(hz.gate().entered()).as("calls that entered the gate of the node without links").isZero();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The Dropped column of {@code aldis:cluster-routes --no-format} on {@code node} for the route to {@code peer}. */
    private static long droppedColumn(ChildNode.Clustered node, String peer) throws IOException {
        return Long.parseLong(cell(node, peer, 5));
    }

    /** The Received column of the same. */
    private static long receivedColumn(ChildNode.Clustered node, String peer) throws IOException {
        return Long.parseLong(cell(node, peer, 6));
    }

    private static String cell(ChildNode.Clustered node, String peer, int column) throws IOException {
        for (String row : node.routes()) {
            String[] cells = row.split("\t", -1);
            if (cells[0].trim().equals(peer)) {
                return cells[column].trim();
            }
        }
        throw new AssertionError("node " + node.name() + " has no route to " + peer);
    }

    private static String addressOfB() {
        return "127.0.0.1:" + ports[2];
    }

    /** The Link column of {@code aldis:cluster-routes --no-format} on {@code node} for the route to {@code peer}. */
    private static String linkColumn(ChildNode.Clustered node, String peer) throws IOException {
        for (String row : node.routes()) {
            String[] cells = row.split("\t", -1);
            if (cells[0].trim().equals(peer)) {
                return cells[cells.length - 1].trim();
            }
        }
        throw new AssertionError("node " + node.name() + " has no route to " + peer);
    }

    /** Waits until a node's log holds {@code text}. */
    private static void awaitLog(Path log, String text) throws Exception {
        awaitLog(log, text, () -> { });
    }

    /**
     * Waits until a node's log holds {@code text}, doing {@code again} before each look: a message
     * is sent to a node only once the sender's routes hold the node's interest, which may come
     * after the count of patterns a test waited for.
     */
    private static void awaitLog(Path log, String text, Action again) throws Exception {
        try {
            ChildNode.awaitTrue(() -> {
                again.run();
                return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text);
            }, "\"" + text + "\" in " + log.getFileName(), CONVERGE);
        } catch (AssertionError e) {
            String lines = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
            throw new AssertionError(e.getMessage() + "; the log has:\n" + lines, e);
        }
    }

    /** Waits until what a node's log got after its first {@code from} bytes matches {@code regex}. */
    private static void awaitLogAfter(Path log, long from, String regex) throws Exception {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        try {
            ChildNode.awaitTrue(() -> pattern.matcher(added(log, from)).find(),
                    "/" + regex + "/ in " + log.getFileName() + " after its first " + from + " bytes", CONVERGE);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the log got:\n" + added(log, from), e);
        }
    }

    private static String added(Path log, long from) throws IOException {
        byte[] all = Files.readAllBytes(log);
        int start = (int) Math.min(from, all.length);
        return new String(all, start, all.length - start, StandardCharsets.UTF_8);
    }

    /** Calls until the method is known on the caller's node (other nodes' services are announced, not instant). */
    private static Frame awaitAnswer(FrameClient client, String method, String params) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        long callId = 100_000;
        while (true) {
            callId++;
            client.call(callId, method, params, 10_000);
            Frame answer = client.callAnswer(callId);
            boolean unknown = answer instanceof RpcError e && e.code() == ErrorCode.METHOD_NOT_FOUND.code();
            if (!unknown || System.nanoTime() > deadline) {
                return answer;
            }
            Thread.sleep(50);
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private static FrameClient login(ChildNode.Clustered node) throws Exception {
        FrameClient client = node.login();
        clients.add(client);
        return client;
    }
}
