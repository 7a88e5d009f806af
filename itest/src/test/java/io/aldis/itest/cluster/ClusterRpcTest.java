package io.aldis.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * RPC across three nodes on loopback, each in its own JVM with its own Hazelcast member (the
 * cluster feature linked to RPC as Karaf links them): a client on node a calls an OSGi service
 * exported on node c and a service a client of node b provides; a call goes to the node with fewer
 * calls of the service in flight, and stays on its own node when equal; a deadline shorter than the method
 * fails the call with DEADLINE_EXCEEDED and stops the method on c; a cancel on a reaches the method
 * on c; a client of b may not provide the name c's OSGi service exports; and killing c fails the
 * call in flight to it with PROVIDER_GONE.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// A child JVM that hangs must fail its test, not hold the build: gate() reads its output without a limit.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterRpcTest {
    private static final String SECRET = "three-nodes-calling-each-other";
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    private static ChildNode.Clustered a;
    private static ChildNode.Clustered b;
    private static ChildNode.Clustered c;
    private static final List<FrameClient> clients = new ArrayList<>();

    @BeforeAll
    static void startThreeNodes() throws Exception {
        List<ChildNode.Clustered> nodes = ChildNode.startThreeExportingOnC(SECRET, CONVERGE);
        a = nodes.get(0);
        b = nodes.get(1);
        c = nodes.get(2);
    }

    @AfterAll
    static void stop() throws Exception {
        ChildNode.closeAll(clients, a, b, c);
    }

    @Test
    @Order(1)
    void aClientOnOneNodeCallsAnOsgiServiceExportedOnAnother() throws Exception {
        FrameClient onA = login(a);
        // a learns of c's services within a few announcements: until then the name is unknown on a.
        Frame answer = awaitAnswer(onA, "gate.quick", "[\"across\"]", 10_000);
        assertThat(answer).isInstanceOf(RpcResponse.class);
        assertThat(text(((RpcResponse) answer).result())).isEqualTo("\"across\"");
    }

    @Test
    @Order(2)
    void aClientOnOneNodeCallsAServiceAClientOfAnotherNodeProvides() throws Exception {
        FrameClient provider = login(b);
        provide(provider, "echo", "{\"methods\":[{\"name\":\"say\",\"params\":[\"text: string\"],\"result\":\"string\"}]}");
        FrameClient onA = login(a);

        CompletableFuture<Frame> answered = CompletableFuture.supplyAsync(() -> {
            try {
                return awaitAnswer(onA, "echo.say", "[\"hello\"]", 10_000);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        RpcRequest forwarded = provider.next(RpcRequest.class);
        assertThat(forwarded.method()).isEqualTo("echo.say");
        assertThat(text(forwarded.params())).isEqualTo("[\"hello\"]");
        provider.send(new RpcResponse(forwarded.callId(), "\"hello from b\"".getBytes(StandardCharsets.UTF_8)));
        Frame answer = answered.get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer).isInstanceOf(RpcResponse.class);
        assertThat(text(((RpcResponse) answer).result())).isEqualTo("\"hello from b\"");
    }

    @Test
    @Order(3)
    void aCallGoesToTheNodeWithFewerCallsInFlightAndStaysOnItsOwnNodeWhenEqual() throws Exception {
        FrameClient providerOnA = login(a);
        provide(providerOnA, "spread");
        FrameClient providerOnB = login(b);
        provide(providerOnB, "spread");
        awaitTrue(() -> a.counts().serves("b", "spread"), "a knows b provides spread");
        FrameClient caller = login(a);

        // None in flight anywhere: a's own provider takes it.
        caller.call(1, "spread.work", "[\"first\"]", 30_000);
        RpcRequest first = providerOnA.next(RpcRequest.class);
        // One in flight on a, none on b: b's provider takes it.
        caller.call(2, "spread.work", "[\"second\"]", 30_000);
        RpcRequest second = providerOnB.next(RpcRequest.class);
        // One in flight on each (a counts the call it sent b, whatever b announced since): a's again.
        caller.call(3, "spread.work", "[\"third\"]", 30_000);
        RpcRequest third = providerOnA.next(RpcRequest.class);

        assertThat(text(first.params())).isEqualTo("[\"first\"]");
        assertThat(text(second.params())).isEqualTo("[\"second\"]");
        assertThat(text(third.params())).isEqualTo("[\"third\"]");
        providerOnA.send(new RpcResponse(first.callId(), "1".getBytes(StandardCharsets.UTF_8)));
        providerOnB.send(new RpcResponse(second.callId(), "2".getBytes(StandardCharsets.UTF_8)));
        providerOnA.send(new RpcResponse(third.callId(), "3".getBytes(StandardCharsets.UTF_8)));
        assertThat(caller.callResult(1)).isEqualTo("1");
        assertThat(caller.callResult(2)).isEqualTo("2");
        assertThat(caller.callResult(3)).isEqualTo("3");
    }

    @Test
    @Order(4)
    void aDeadlineShorterThanTheMethodFailsTheCallAndStopsTheMethodOnItsNode() throws Exception {
        FrameClient onA = login(a);
        awaitAnswer(onA, "gate.quick", "[\"ready\"]", 10_000);
        onA.call(2, "gate.hold", "[\"late\"]", 300);
        RpcError error = onA.callError(2);
        assertThat(error.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
        awaitTrue(() -> c.gate().interrupted().contains("late"), "the method on c stopped at the deadline");
    }

    @Test
    @Order(5)
    void aCancelOnTheCallersNodeReachesTheMethodOnTheProvidersNode() throws Exception {
        FrameClient onA = login(a);
        awaitAnswer(onA, "gate.quick", "[\"ready\"]", 10_000);
        int entered = c.gate().entered();
        onA.call(3, "gate.hold", "[\"cancel-me\"]", 60_000);
        awaitTrue(() -> c.gate().entered() > entered, "the call entered the method on c");
        onA.send(new RpcCancel(3));
        assertThat(onA.callError(3).code()).isEqualTo(ErrorCode.CANCELLED.code());
        // The gate holds for 30 s and then ends without an interrupt: only the cancel interrupts it sooner.
        awaitTrue(() -> c.gate().interrupted().contains("cancel-me"), "the method on c saw the cancel",
                Duration.ofSeconds(20));
    }

    @Test
    @Order(6)
    void aClientMayNotProvideANameAnOsgiServiceExportsOnAnotherNode() throws Exception {
        awaitTrue(() -> b.counts().serves("c", "gate"), "b knows c serves gate");
        FrameClient impostor = login(b);
        impostor.send(new ServiceProvide(1, "gate", ""));
        Frame refused = impostor.next(f -> f instanceof Ack || f instanceof ErrorFrame);
        assertThat(refused).isInstanceOf(ErrorFrame.class);
        assertThat(((ErrorFrame) refused).code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        // The gate is still c's: a call of it from a reaches c.
        FrameClient onA = login(a);
        Frame answer = awaitAnswer(onA, "gate.quick", "[\"still c\"]", 10_000);
        assertThat(text(((RpcResponse) answer).result())).isEqualTo("\"still c\"");
    }

    @Test
    @Order(7)
    void killingTheProvidersNodeFailsTheCallInFlightWithProviderGone() throws Exception {
        FrameClient onA = login(a);
        awaitAnswer(onA, "gate.quick", "[\"ready\"]", 10_000);
        int entered = c.gate().entered();
        onA.call(4, "gate.hold", "[\"doomed\"]", 60_000);
        awaitTrue(() -> c.gate().entered() > entered, "the call entered the method on c");

        c.process().destroyForcibly(); // SIGKILL: c answers nothing more
        c.process().waitFor(30, TimeUnit.SECONDS);
        RpcError error = onA.callError(4);
        assertThat(error.code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        // The link to c breaks with c's process, before Hazelcast takes c out: either may be told.
        assertThat(error.message()).containsAnyOf("node c left the cluster", "node c broke").contains("gate.hold");
        // With c gone nobody serves the gate: a new call is refused on a, not sent into the void.
        awaitTrue(() -> a.counts().members() == 2, "a sees two members");
        // Until a's cluster feature has handled c's departure (Hazelcast counts the members before
        // it tells of the change), a call may still be routed to c and fail at once with
        // PROVIDER_GONE, as the link to c is down; once handled, it is refused as unknown.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int callId = 5;
        RpcError refused;
        do {
            onA.call(callId, "gate.quick", "[\"anyone?\"]", 10_000);
            refused = onA.callError(callId++);
        } while (refused.code() == ErrorCode.PROVIDER_GONE.code() && System.nanoTime() < until);
        assertThat(refused.code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());
    }

    // ---------------------------------------------------------------- helpers

    /** Calls until the method is known on the caller's node (other nodes' services are announced, not instant). */
    private static Frame awaitAnswer(FrameClient client, String method, String params, int timeoutMillis)
            throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        long callId = 100_000;
        while (true) {
            callId++;
            client.call(callId, method, params, timeoutMillis);
            Frame answer = client.callAnswer(callId);
            boolean unknown = answer instanceof RpcError e && e.code() == ErrorCode.METHOD_NOT_FOUND.code();
            if (!unknown || System.nanoTime() > deadline) {
                return answer;
            }
            Thread.sleep(50);
        }
    }

    private static void provide(FrameClient provider, String service) throws Exception {
        provide(provider, service, "");
    }

    private static void provide(FrameClient provider, String service, String descriptor) throws Exception {
        provider.send(new ServiceProvide(1, service, descriptor));
        Frame provided = provider.next(f -> f instanceof Ack || f instanceof ErrorFrame);
        assertThat(provided).isInstanceOf(Ack.class);
    }

    private static void awaitTrue(ChildNode.Condition condition, String what) throws Exception {
        ChildNode.awaitTrue(condition, what, CONVERGE);
    }

    private static void awaitTrue(ChildNode.Condition condition, String what, Duration within) throws Exception {
        ChildNode.awaitTrue(condition, what, within);
    }

    private static FrameClient login(ChildNode.Clustered node) throws Exception {
        FrameClient client = node.login();
        clients.add(client);
        return client;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
