package io.aldis.itest.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.spi.node.SessionState;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deadlines, cancellation, concurrency limits and withdrawal, observed from the service's side too. */
@ExtendWith(LeakWatch.class)
class RpcLifecycleTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private NodeFixture node;
    private final Gate gate = new Gate();
    private Object exported;

    private FrameClient start(RpcSettings settings, Map<String, ?> properties) throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc(settings)
                .loginCapabilities(Capability.RPC.mask()).start();
        exported = node.export("gate", gate, properties, GateApi.class);
        return node.login(ALICE);
    }

    private FrameClient start() throws Exception {
        return start(RpcSettings.defaults(), Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        gate.open.countDown();
        if (node != null) {
            node.close();
        }
    }

    @Test
    void aDeadlineThatPassesInterruptsTheHandler() throws Exception {
        try (FrameClient alice = start()) {
            alice.call(1, "gate.hold", "[\"slow\"]", 200);
            assertThat(alice.callError(1).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
            assertThat(gate.awaitInterrupt()).isTrue();
            assertThat(gate.interrupted).containsExactly("slow");
        }
    }

    @Test
    void aDeadlineCancelsTheFutureOfAnAsyncMethod() throws Exception {
        try (FrameClient alice = start()) {
            alice.call(1, "gate.later", "[\"async\"]", 200);
            assertThat(alice.callError(1).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
            assertThat(gate.awaitCancellation()).isTrue();
            assertThat(gate.futures.get("async").isCancelled()).isTrue();
        }
    }

    @Test
    void methodsRunWhereTheServiceSaysAndOnTheConnectionsThreadWhileQuickWhenItSaysNothing() throws Exception {
        try (FrameClient alice = start()) {
            alice.call(1, "gate.thread", "[]", 0);
            assertThat(alice.callResult(1)).as("a quick method of a service that says nothing")
                    .startsWith("\"aldis-tcp-");
            node.export("workers", new Gate(), Map.of(RpcConstants.DIRECT, false), GateApi.class);
            alice.call(2, "workers.thread", "[]", 0);
            assertThat(alice.callResult(2)).startsWith("\"aldis-rpc-");
            node.export("direct", new Gate(), Map.of(RpcConstants.DIRECT, true), GateApi.class);
            alice.call(3, "direct.thread", "[]", 0);
            assertThat(alice.callResult(3)).startsWith("\"aldis-tcp-");
            alice.call(4, "direct.quick", "[\"fast\"]", 0);
            assertThat(alice.callResult(4)).isEqualTo("\"fast\"");
        }
    }

    @Test
    void aDeadlineCancelsTheFutureOfADirectService() throws Exception {
        try (FrameClient alice = start(RpcSettings.defaults(), Map.of(RpcConstants.DIRECT, "true"))) {
            alice.call(1, "gate.later", "[\"direct\"]", 200);
            assertThat(alice.callError(1).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
            assertThat(gate.awaitCancellation()).isTrue();
            assertThat(gate.futures.get("direct").isCancelled()).isTrue();
        }
    }

    @Test
    void anExplicitCancelAnswersCancelledAndInterruptsTheHandler() throws Exception {
        try (FrameClient alice = start()) {
            alice.call(5, "gate.hold", "[\"c\"]", 0);
            gate.awaitEntered(1);
            alice.send(new RpcCancel(5));
            assertThat(alice.callError(5).code()).isEqualTo(ErrorCode.CANCELLED.code());
            assertThat(gate.awaitInterrupt()).isTrue();
            assertThat(gate.interrupted).containsExactly("c");
            // the call id is free again
            alice.call(5, "gate.quick", "[\"again\"]", 0);
            assertThat(alice.callResult(5)).isEqualTo("\"again\"");
        }
    }

    @Test
    void aCloseIsAcknowledgedOnlyAfterTheAnswersOfCallsInFlight() throws Exception {
        try (FrameClient alice = start()) {
            alice.call(1, "gate.hold", "[\"last\"]", 0);
            gate.awaitEntered(1);
            alice.send(new Close(0, "done for today"));
            awaitSessionsClosing();
            gate.open.countDown();
            Frame first = alice.next(f -> f instanceof RpcResponse || f instanceof RpcError || f instanceof CloseAck);
            assertThat(first).isInstanceOf(RpcResponse.class);
            assertThat(((RpcResponse) first).callId()).isEqualTo(1);
            assertThat(new String(((RpcResponse) first).result(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("\"last\"");
            assertThat(alice.next(CloseAck.class)).isNotNull();
        }
    }

    /** Waits until the node saw the CLOSE of every session (they are closing, not open). */
    private void awaitSessionsClosing() throws InterruptedException {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!node.node().sessions().stream().allMatch(s -> s.state() == SessionState.CLOSING)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("the node did not start closing the session");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aSlowCallDoesNotHoldUpTheSessionsOtherCalls() throws Exception {
        // hold declares InterruptedException, so it runs on a worker from its first call
        try (FrameClient alice = start()) {
            alice.call(1, "gate.hold", "[\"first\"]", 0);
            gate.awaitEntered(1);
            alice.call(2, "gate.quick", "[\"second\"]", 0);
            assertThat(alice.callResult(2)).isEqualTo("\"second\"");
            gate.open.countDown();
            assertThat(alice.callResult(1)).isEqualTo("\"first\"");
        }
    }

    @Test
    void aMethodAtItsConcurrencyLimitAnswersBusy() throws Exception {
        try (FrameClient alice = start(RpcSettings.defaults(), Map.of(RpcConstants.MAX_CONCURRENCY, 2))) {
            alice.call(1, "gate.hold", "[\"a\"]", 0);
            alice.call(2, "gate.hold", "[\"b\"]", 0);
            gate.awaitEntered(2);
            alice.call(3, "gate.hold", "[\"c\"]", 0);
            assertThat(alice.callError(3).code()).isEqualTo(ErrorCode.BUSY.code());
            alice.call(4, "gate.quick", "[\"other method\"]", 0);
            assertThat(alice.callResult(4)).isEqualTo("\"other method\"");
            gate.open.countDown();
            assertThat(alice.callResult(1)).isEqualTo("\"a\"");
            assertThat(alice.callResult(2)).isEqualTo("\"b\"");
            alice.call(5, "gate.hold", "[\"d\"]", 0);
            assertThat(alice.callResult(5)).isEqualTo("\"d\"");
        }
    }

    @Test
    void aSessionAtItsCallLimitAnswersBusyWhileOthersGoOn() throws Exception {
        try (FrameClient alice = start(RpcSettings.defaults().withMaxCallsPerSession(2), Map.of());
                FrameClient bob = node.login(BOB)) {
            alice.call(1, "gate.hold", "[\"a\"]", 0);
            alice.call(2, "gate.hold", "[\"b\"]", 0);
            gate.awaitEntered(2);
            alice.call(3, "gate.quick", "[\"c\"]", 0);
            assertThat(alice.callError(3).code()).isEqualTo(ErrorCode.BUSY.code());
            bob.call(1, "gate.quick", "[\"bob\"]", 0);
            assertThat(bob.callResult(1)).isEqualTo("\"bob\"");
            gate.open.countDown();
            assertThat(alice.callResult(1)).isEqualTo("\"a\"");
            assertThat(alice.callResult(2)).isEqualTo("\"b\"");
        }
    }

    @Test
    void saturatedWorkersAnswerBusyInsteadOfQueueingWithoutBound() throws Exception {
        RpcSettings tiny = new RpcSettings(1, 0, 1, 256, 256, true, 0, RpcSettings.defaults().methodOnLoopMicros());
        try (FrameClient alice = start(tiny, Map.of())) {
            alice.call(1, "gate.hold", "[\"running\"]", 0);
            gate.awaitEntered(1);
            alice.call(2, "gate.hold", "[\"queued\"]", 0);
            alice.call(3, "gate.hold", "[\"refused\"]", 0);
            assertThat(alice.callError(3).code()).isEqualTo(ErrorCode.BUSY.code());
            gate.open.countDown();
            assertThat(alice.callResult(1)).isEqualTo("\"running\"");
            assertThat(alice.callResult(2)).isEqualTo("\"queued\"");
        }
    }

    @Test
    void aServiceWithdrawnMidCallFailsItsCallsAndIsGoneForNewOnes() throws Exception {
        try (FrameClient alice = start()) {
            alice.call(1, "gate.hold", "[\"in flight\"]", 0);
            gate.awaitEntered(1);
            node.rpc().removeService(exported);
            assertThat(alice.callError(1).code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
            assertThat(gate.awaitInterrupt()).isTrue();
            alice.call(2, "gate.quick", "[\"x\"]", 0);
            assertThat(alice.callError(2).code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());
            exported = node.export("gate", gate, GateApi.class);
            alice.call(3, "gate.quick", "[\"back\"]", 0);
            assertThat(alice.callResult(3)).isEqualTo("\"back\"");
        }
    }

    @Test
    void aCallerThatDisconnectsHasItsCallsCancelled() throws Exception {
        FrameClient alice = start();
        alice.call(1, "gate.hold", "[\"orphan\"]", 0);
        gate.awaitEntered(1);
        alice.close();
        assertThat(gate.awaitInterrupt()).isTrue();
        assertThat(gate.interrupted).containsExactly("orphan");
    }
}
