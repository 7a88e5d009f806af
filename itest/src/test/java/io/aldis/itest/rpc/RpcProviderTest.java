package io.aldis.itest.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Connected clients as providers: routing, relaying, least-in-flight, withdraw and disconnect. */
@ExtendWith(LeakWatch.class)
class RpcProviderTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc()
                .loginCapabilities(Capability.RPC.mask()).start();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private static void provide(FrameClient provider, long requestId, String service, String descriptor) throws Exception {
        provider.send(new ServiceProvide(requestId, service, descriptor));
        Frame answer = provider.next(f -> f instanceof Ack a && a.requestId() == requestId
                || f instanceof ErrorFrame e && e.requestId() == requestId);
        assertThat(answer).as("answer to SERVICE_PROVIDE").isInstanceOf(Ack.class);
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    @Test
    void aCallIsForwardedToTheProviderAndItsAnswerRelayed() throws Exception {
        try (FrameClient provider = node.login(BOB); FrameClient caller = node.login(ALICE)) {
            provide(provider, 1, "echo", "{\"methods\":[{\"name\":\"say\",\"params\":[\"text: string\"],\"result\":\"string\"},"
                    + "\"fail\"]}");
            caller.call(77, "echo.say", "[\"hello\"]", 5000);
            RpcRequest forwarded = provider.next(RpcRequest.class);
            assertThat(forwarded.method()).isEqualTo("echo.say");
            assertThat(text(forwarded.params())).isEqualTo("[\"hello\"]");
            assertThat(forwarded.timeoutMillis()).isEqualTo(5000);
            provider.send(new RpcResponse(forwarded.callId(), "\"hello back\"".getBytes(StandardCharsets.UTF_8)));
            assertThat(caller.callResult(77)).isEqualTo("\"hello back\"");

            caller.call(78, "echo.fail", "[]", 0);
            RpcRequest second = provider.next(RpcRequest.class);
            provider.send(new RpcError(second.callId(), ErrorCode.INVALID_PARAMS.code(), "bad", "{\"errors\":[]}"));
            RpcError relayed = caller.callError(78);
            assertThat(relayed.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
            assertThat(relayed.message()).isEqualTo("bad");
            assertThat(relayed.details()).isEqualTo("{\"errors\":[]}");

            // a method the descriptor does not announce is not found
            caller.call(79, "echo.shout", "[]", 0);
            assertThat(caller.callError(79).code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());

            assertThat(node.rpc().registry().services()).extracting(ServiceInfo::name).containsExactly("echo");
            assertThat(node.rpc().registry().services().get(0).methods()).extracting(m -> m.name()).containsExactly("say", "fail");
        }
    }

    @Test
    void callsWhoseParametersTheDescriptorRulesOutNeverReachTheProvider() throws Exception {
        try (FrameClient provider = node.login(BOB); FrameClient caller = node.login(ALICE)) {
            provide(provider, 1, "calc", "{\"methods\":[{\"name\":\"add\",\"params\":[\"a: int\",\"b: int\"],"
                    + "\"result\":\"int\"},\"free\"]}");
            caller.call(1, "calc.add", "{\"a\":", 0);
            RpcError malformed = caller.callError(1);
            assertThat(malformed.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
            assertThat(malformed.message()).contains("not well-formed JSON");
            caller.call(2, "calc.add", "[\"two\", 3]", 0);
            RpcError wrongType = caller.callError(2);
            assertThat(wrongType.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
            assertThat(wrongType.details()).contains("\"path\":\"a\"");
            // A method announced by name alone has no declared parameters to check.
            caller.call(3, "calc.free", "{\"anything\": [1]}", 0);
            assertThat(text(provider.next(RpcRequest.class).params())).isEqualTo("{\"anything\": [1]}");
            // A good call is forwarded as sent; the provider saw nothing of the two bad ones.
            caller.call(4, "calc.add", "[2, 3]", 0);
            RpcRequest forwarded = provider.next(RpcRequest.class);
            assertThat(forwarded.method()).isEqualTo("calc.add");
            assertThat(text(forwarded.params())).isEqualTo("[2, 3]");
        }
    }

    @Test
    void callsGoToTheProviderWithTheLeastInFlight() throws Exception {
        try (FrameClient first = node.login(BOB); FrameClient second = node.login(BOB);
                FrameClient caller = node.login(ALICE)) {
            provide(first, 1, "work", "");
            provide(second, 1, "work", "");
            caller.call(1, "work.run", "[1]", 0);
            caller.call(2, "work.run", "[2]", 0);
            caller.call(3, "work.run", "[3]", 0);
            caller.call(4, "work.run", "[4]", 0);
            // with nothing answered, the four calls split two and two
            RpcRequest a1 = first.next(RpcRequest.class);
            RpcRequest a2 = first.next(RpcRequest.class);
            RpcRequest b1 = second.next(RpcRequest.class);
            RpcRequest b2 = second.next(RpcRequest.class);
            for (RpcRequest r : new RpcRequest[] {a1, a2}) {
                first.send(new RpcResponse(r.callId(), ("\"first " + text(r.params()) + "\"").getBytes(StandardCharsets.UTF_8)));
            }
            for (RpcRequest r : new RpcRequest[] {b1, b2}) {
                second.send(new RpcResponse(r.callId(), ("\"second\"").getBytes(StandardCharsets.UTF_8)));
            }
            int fromFirst = 0;
            for (long id = 1; id <= 4; id++) {
                if (caller.callResult(id).startsWith("\"first")) {
                    fromFirst++;
                }
            }
            assertThat(fromFirst).isEqualTo(2);

        }
    }

    @Test
    void aNewProviderTakesTheCallsWhileTheBusyOneWorks() throws Exception {
        try (FrameClient first = node.login(BOB); FrameClient second = node.login(BOB);
                FrameClient caller = node.login(ALICE)) {
            provide(first, 1, "work", "");
            caller.call(1, "work.run", "[1]", 0);
            RpcRequest held = first.next(RpcRequest.class); // the first is busy with it from now on
            provide(second, 1, "work", "");
            caller.call(2, "work.run", "[2]", 0);
            caller.call(3, "work.run", "[3]", 0);
            RpcRequest toSecond = second.next(RpcRequest.class);
            assertThat(text(toSecond.params())).isEqualTo("[2]");
            // one in flight on each now: call 3 went to either; answer everything and check the relays
            second.send(new RpcResponse(toSecond.callId(), "\"two\"".getBytes(StandardCharsets.UTF_8)));
            first.send(new RpcResponse(held.callId(), "\"one\"".getBytes(StandardCharsets.UTF_8)));
            assertThat(caller.callResult(2)).isEqualTo("\"two\"");
            assertThat(caller.callResult(1)).isEqualTo("\"one\"");
        }
    }

    @Test
    void aProviderThatDisconnectsFailsItsCallsAtOnce() throws Exception {
        try (FrameClient caller = node.login(ALICE)) {
            FrameClient provider = node.login(BOB);
            provide(provider, 1, "flaky", "");
            caller.call(1, "flaky.op", "{}", 0);
            provider.next(RpcRequest.class);
            provider.close();
            RpcError gone = caller.callError(1);
            assertThat(gone.code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
            caller.call(2, "flaky.op", "{}", 0);
            assertThat(caller.callError(2).code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());
        }
    }

    @Test
    void withdrawAnswersAckAndLeavesNoProvider() throws Exception {
        try (FrameClient provider = node.login(BOB); FrameClient caller = node.login(ALICE)) {
            caller.call(1, "later.op", "[]", 0);
            assertThat(caller.callError(1).code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());
            provide(provider, 1, "later", "");
            caller.call(2, "later.op", "[]", 0);
            RpcRequest pending = provider.next(RpcRequest.class);
            provider.send(new ServiceWithdraw(2, "later"));
            Ack withdrawn = provider.next(f -> f instanceof Ack a && a.requestId() == 2);
            assertThat(withdrawn.requestId()).isEqualTo(2);
            assertThat(caller.callError(2).code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
            // a late answer to the failed call is dropped, not relayed
            provider.send(new RpcResponse(pending.callId(), "1".getBytes(StandardCharsets.UTF_8)));
            caller.call(3, "later.op", "[]", 0);
            assertThat(caller.callError(3).code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());
            provider.send(new ServiceWithdraw(3, "later"));
            ErrorFrame notProvided = provider.next(f -> f instanceof ErrorFrame e && e.requestId() == 3);
            assertThat(notProvided.errorCode()).isEqualTo(ErrorCode.METHOD_NOT_FOUND);
        }
    }

    @Test
    void deadlinesAndCancelsReachTheProvider() throws Exception {
        try (FrameClient provider = node.login(BOB); FrameClient caller = node.login(ALICE)) {
            provide(provider, 1, "slow", "");
            caller.call(1, "slow.op", "[]", 200);
            RpcRequest expired = provider.next(RpcRequest.class);
            assertThat(caller.callError(1).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
            RpcCancel told = provider.next(RpcCancel.class);
            assertThat(told.callId()).isEqualTo(expired.callId());

            caller.call(2, "slow.op", "[]", 0);
            RpcRequest cancelled = provider.next(RpcRequest.class);
            caller.send(new RpcCancel(2));
            assertThat(caller.callError(2).code()).isEqualTo(ErrorCode.CANCELLED.code());
            assertThat(provider.next(RpcCancel.class).callId()).isEqualTo(cancelled.callId());
        }
    }

    @Test
    void aBadServiceNameOrDescriptorIsRefused() throws Exception {
        node.export("calculator", new Shop.CalculatorImpl(), Shop.Calculator.class);
        try (FrameClient provider = node.login(BOB)) {
            provider.send(new ServiceProvide(1, "no spaces", ""));
            provider.send(new ServiceProvide(2, "ok", "[not json"));
            provider.send(new ServiceProvide(3, "calculator", ""));
            for (long id = 1; id <= 3; id++) {
                long want = id;
                ErrorFrame e = provider.next(f -> f instanceof ErrorFrame x && x.requestId() == want);
                assertThat(e.errorCode()).as("request %d", id)
                        .isEqualTo(id == 3 ? ErrorCode.UNEXPECTED_FRAME : ErrorCode.PROTOCOL_ERROR);
            }
        }
    }
}
