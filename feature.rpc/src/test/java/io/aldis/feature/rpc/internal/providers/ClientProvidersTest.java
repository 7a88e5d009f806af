package io.aldis.feature.rpc.internal.providers;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.calls.SessionReply;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientProvidersTest {
    private static final String ECHO = "{\"methods\":[{\"name\":\"say\",\"params\":[\"text: String\"],\"result\":\"String\"}]}";

    private final Calls calls = new Calls(() -> 256, () -> 0);
    private final Set<String> insideTheNode = Set.of("clock");
    private final ClientProviders providers = new ClientProviders(calls, () -> null, insideTheNode::contains, () -> true);
    private final RecordingSession provider = new RecordingSession("pat");
    private final RecordingSession caller = new RecordingSession("cal");

    @AfterEach
    void close() {
        calls.close();
    }

    private Call call(long id, String method, String params) {
        Call call = calls.open(caller, id, method, params.getBytes(StandardCharsets.UTF_8), 0, false, 10,
                new SessionReply(caller));
        providers.forward(call, providers.of(method.substring(0, method.indexOf('.'))));
        return call;
    }

    @Test
    void aProvidedServiceIsAcknowledgedKeptByTheSessionAndListed() throws Exception {
        providers.provide(provider, new ServiceProvide(1, "echo", ECHO));
        assertThat(provider.next(Ack.class).requestId()).isEqualTo(1);
        assertThat(provider.kept(ClientProviders.KEPT)).containsKey("service.echo");
        assertThat(providers.of("echo")).singleElement().satisfies(p -> assertThat(p.serves("say")).isTrue());
        assertThat(providers.infos()).singleElement().satisfies(i -> {
            assertThat(i.name()).isEqualTo("echo");
            assertThat(i.provider()).isEqualTo("client:" + provider.id());
        });
    }

    @Test
    void badNamesNamesTakenInsideTheNodeAndBadDescriptorsAreRefused() throws Exception {
        providers.provide(provider, new ServiceProvide(1, "no spaces", ""));
        assertThat(provider.next(ErrorFrame.class).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        providers.provide(provider, new ServiceProvide(2, "clock", ""));
        ErrorFrame taken = provider.next(ErrorFrame.class);
        assertThat(taken.code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        assertThat(taken.message()).isEqualTo("service clock is provided inside the node");
        providers.provide(provider, new ServiceProvide(3, "echo", "{"));
        assertThat(provider.next(ErrorFrame.class).message()).isEqualTo("the service descriptor is not valid JSON");
        assertThat(providers.of("echo")).isEmpty();
        assertThat(provider.kept(ClientProviders.KEPT)).isEmpty();
    }

    @Test
    void aCallIsForwardedUnderTheNodesIdAndItsAnswerRelayedToTheCaller() throws Exception {
        providers.provide(provider, new ServiceProvide(1, "echo", ECHO));
        provider.next(Ack.class);
        call(42, "echo.say", "[\"hi\"]");
        RpcRequest forwarded = provider.next(RpcRequest.class);
        assertThat(forwarded.method()).isEqualTo("echo.say");
        assertThat(new String(forwarded.params(), StandardCharsets.UTF_8)).isEqualTo("[\"hi\"]");

        providers.answered(caller, forwarded.callId(), "\"not yours\"".getBytes(StandardCharsets.UTF_8));
        assertThat(caller.pending()).as("only the provider may answer").isEmpty();
        providers.answered(provider, forwarded.callId(), "\"hi\"".getBytes(StandardCharsets.UTF_8));
        RpcResponse response = caller.next(RpcResponse.class);
        assertThat(response.callId()).isEqualTo(42);
        assertThat(new String(response.result(), StandardCharsets.UTF_8)).isEqualTo("\"hi\"");

        call(43, "echo.say", "[\"x\"]");
        RpcRequest second = provider.next(RpcRequest.class);
        providers.failed(provider, second.callId(), ErrorCode.BUSY.code(), "later", "{}");
        RpcError error = caller.next(RpcError.class);
        assertThat(error.callId()).isEqualTo(43);
        assertThat(error.message()).isEqualTo("later");
    }

    @Test
    void parametersTheDescriptorRulesOutNeverReachTheProvider() throws Exception {
        providers.provide(provider, new ServiceProvide(1, "echo", ECHO));
        provider.next(Ack.class);
        call(5, "echo.say", "[{\"a\":");
        assertThat(caller.next(RpcError.class).code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        providers.provide(provider, new ServiceProvide(2, "count", "{\"methods\":[{\"name\":\"up\",\"params\":[\"n: int\"]}]}"));
        provider.next(Ack.class);
        call(6, "count.up", "[\"two\"]");
        RpcError wrongType = caller.next(RpcError.class);
        assertThat(wrongType.message()).isEqualTo("parameter 'n': expected an integer, got a string");
        assertThat(provider.pending()).isEmpty();
    }

    @Test
    void aCancelledCallIsCancelledAtTheProvider() throws Exception {
        providers.provide(provider, new ServiceProvide(1, "echo", ECHO));
        provider.next(Ack.class);
        Call call = call(7, "echo.say", "[\"hi\"]");
        RpcRequest forwarded = provider.next(RpcRequest.class);
        calls.abort(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", true);
        assertThat(provider.next(RpcCancel.class).callId()).isEqualTo(forwarded.callId());
        providers.answered(provider, forwarded.callId(), "\"late\"".getBytes(StandardCharsets.UTF_8));
        assertThat(caller.next(RpcError.class).code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(caller.pending()).as("a late answer is dropped").isEmpty();
    }

    @Test
    void withdrawingOrLeavingFailsTheForwardedCallsWithProviderGone() throws Exception {
        providers.provide(provider, new ServiceProvide(1, "echo", ECHO));
        provider.next(Ack.class);
        call(8, "echo.say", "[\"hi\"]");
        provider.next(RpcRequest.class);
        providers.withdraw(provider, new ServiceWithdraw(2, "echo"));
        assertThat(provider.next(Ack.class).requestId()).isEqualTo(2);
        RpcError gone = caller.next(RpcError.class);
        assertThat(gone.code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        assertThat(gone.message()).isEqualTo("the client providing echo withdrew it");
        assertThat(provider.kept(ClientProviders.KEPT)).isEmpty();
        assertThat(providers.of("echo")).isEmpty();

        providers.withdraw(provider, new ServiceWithdraw(3, "echo"));
        assertThat(provider.next(ErrorFrame.class).code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code());

        providers.provide(provider, new ServiceProvide(4, "echo", ECHO));
        provider.next(Ack.class);
        call(9, "echo.say", "[\"hi\"]");
        provider.next(RpcRequest.class);
        providers.sessionClosed(provider);
        assertThat(caller.next(RpcError.class).message()).isEqualTo("the client providing echo disconnected");
        assertThat(providers.of("echo")).isEmpty();
    }

    @Test
    void afterASwapTheKeptServicesAreProvidedAgainWithoutASecondAck() throws Exception {
        providers.provide(provider, new ServiceProvide(1, "echo", ECHO));
        provider.next(Ack.class);
        ClientProviders returned = new ClientProviders(calls, () -> null, insideTheNode::contains, () -> true);
        returned.restore(provider);
        returned.restore(provider);
        assertThat(returned.of("echo")).hasSize(1);
        assertThat(provider.pending()).isEmpty();

        provider.keep(ClientProviders.KEPT, "service.clock", new ServiceProvide(9, "clock", ""));
        ClientProviders again = new ClientProviders(calls, () -> null, insideTheNode::contains, () -> true);
        again.restore(provider);
        assertThat(provider.next(ErrorFrame.class).requestId()).as("no longer allowed: answered and forgotten").isEqualTo(9);
        assertThat(provider.kept(ClientProviders.KEPT)).containsOnlyKeys("service.echo");
    }
}
