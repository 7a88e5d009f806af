package io.aldis.feature.rpc.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.aldis.feature.rpc.api.RpcException;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.providers.ClientProviders;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryViewTest {
    private final Calls calls = new Calls(() -> 256, () -> 0);
    private final ServiceDirectory directory = new ServiceDirectory(
            new ClientProviders(calls, () -> null, name -> false, () -> true));
    private final List<Call> started = new CopyOnWriteArrayList<>();
    private final List<String> params = new CopyOnWriteArrayList<>();
    private final List<Integer> timeouts = new CopyOnWriteArrayList<>();

    private final RegistryView view = new RegistryView(directory, calls, (callId, method, json, timeout, reply) -> {
        params.add(new String(json, StandardCharsets.UTF_8));
        timeouts.add(timeout);
        if (method.equals("none.here")) {
            reply.error(callId, ErrorCode.METHOD_NOT_FOUND.code(), "no service named none", "");
            return null;
        }
        Call call = calls.open(null, callId, method, json, timeout, false, 10, reply);
        started.add(call);
        return call;
    });

    @AfterEach
    void close() {
        calls.close();
    }

    @Test
    void aCallInsideTheNodeGetsItsResultAsJsonText() throws Exception {
        CompletableFuture<String> result = view.call("a.b", "[1]", Duration.ofSeconds(3));
        assertThat(params).containsExactly("[1]");
        assertThat(timeouts).containsExactly(3000);
        assertThat(started.get(0).callId()).as("ids of their own, never a session's").isNegative();
        calls.complete(started.get(0), "{\"x\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("{\"x\":1}");
        view.call("a.b", null, null);
        assertThat(params).containsExactly("[1]", "");
        assertThat(timeouts).containsExactly(3000, 0);
        assertThat(view.stats()).singleElement().satisfies(s -> assertThat(s.method()).isEqualTo("a.b"));
    }

    @Test
    void errorsArriveAsRpcExceptionsWithTheirCode() {
        Throwable failure = catchThrowable(() -> view.call("none.here", "[]", null).get(10, TimeUnit.SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class);
        assertThat(failure.getCause()).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND.code()));
    }

    @Test
    void cancellingTheFutureCancelsTheCall() {
        CompletableFuture<String> result = view.call("a.b", "[]", null);
        result.cancel(true);
        assertThat(started.get(0).isDone()).isTrue();
        assertThat(started.get(0).isAbandoned()).isTrue();
    }
}
