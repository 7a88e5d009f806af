package io.aldis.itest.clientapi;

import static io.aldis.itest.clientapi.RpcClientTest.failure;
import static io.aldis.itest.clientapi.RpcClientTest.retryUntilConnected;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.CallOptions;
import io.aldis.client.Registration;
import io.aldis.client.RpcCallException;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.rpc.api.MethodInfo;
import io.aldis.feature.rpc.api.ServiceInfo;
import io.aldis.itest.clientapi.Api.Basket;
import io.aldis.itest.clientapi.Api.Greeter;
import io.aldis.itest.clientapi.Api.GreeterImpl;
import io.aldis.itest.clientapi.Api.Line;
import io.aldis.itest.clientapi.Api.Total;
import io.aldis.itest.clientapi.Api.Unit;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Services provided by one client and called by another through a real node. */
@ExtendWith(LeakWatch.class)
class ProvideTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private NodeFixture node;
    private AldisClient provider;
    private AldisClient caller;
    private GreeterImpl greeter;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc()
                .pubsub(PubSubSettings.defaults())
                .start();
        provider = node.connect(BOB);
        caller = node.connect(ALICE);
        greeter = new GreeterImpl();
    }

    @AfterEach
    void stop() throws Exception {
        greeter.open.countDown();
        node.close();
    }

    @Test
    void anObjectIsProvidedWithItsDescriptorAndDecodedParameters() throws Exception {
        Registration reg = provider.provide(Greeter.class, greeter);
        reg.ready().get(10, TimeUnit.SECONDS);
        assertThat(reg.service()).isEqualTo("greeter");

        ServiceInfo info = node.rpc().registry().services().stream().filter(s -> s.name().equals("greeter")).findFirst().orElseThrow();
        assertThat(info.methods()).extracting(MethodInfo::name).containsExactlyInAnyOrder("greet", "count", "later", "wait");
        MethodInfo greet = info.methods().stream().filter(m -> m.name().equals("greet")).findFirst().orElseThrow();
        assertThat(greet.parameters()).containsExactly("name: String", "times: int");
        assertThat(greet.result()).isEqualTo("String");

        assertThat(caller.call("greeter.greet", new Object[] {"ann", 2}, String.class).get(10, TimeUnit.SECONDS))
                .isEqualTo("hello ann hello ann");
        assertThat(caller.call("greeter.greet", Map.of("times", 1, "name", "bo"), String.class).get(10, TimeUnit.SECONDS))
                .isEqualTo("hello bo");
        Basket basket = new Basket("cy", List.of(new Line("A-1", 2, Unit.PIECE), new Line("B-1", 5, Unit.BOX)));
        assertThat(caller.call("greeter.count", basket, Total.class).get(10, TimeUnit.SECONDS).pieces()).isEqualTo(7);

        Greeter proxy = caller.proxy(Greeter.class);
        assertThat(proxy.later("di").toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("later di");
    }

    @Test
    void badParametersAreAnsweredWithFieldErrorsByTheProvider() {
        provider.provide("greeter", greeter).ready().join();
        RpcCallException e = failure(caller.call("greeter.count",
                Map.of("owner", "x", "lines", List.of(Map.of("sku", "A", "count", "many"))), Total.class));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(e.fieldErrors()).extracting(RpcCallException.FieldError::path).containsExactly("basket.lines[0].count");

        RpcCallException unknown = failure(caller.call("greeter.greet", Map.of("name", "x", "times", 1, "loud", true),
                String.class));
        assertThat(unknown.fieldErrors()).extracting(RpcCallException.FieldError::path).containsExactly("loud");

        RpcCallException wrongMethod = failure(caller.call("greeter.shout", null, String.class));
        assertThat(wrongMethod.code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND);
        assertThat(greeter.calls.get()).isZero();
    }

    @Test
    void aRawHandlerSeesJsonAndItsErrorsReachTheCaller() throws Exception {
        provider.provide("echo", (method, params, context) -> {
            if (method.equals("fail")) {
                throw new RpcCallException(ErrorCode.BUSY.code(), "try later", "{\"retryAfterMillis\":5}");
            }
            if (method.equals("crash")) {
                throw new IllegalStateException("broken");
            }
            String json = new String(params, StandardCharsets.UTF_8);
            return CompletableFuture.completedFuture(("{\"method\":\"" + method + "\",\"params\":" + json + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }).ready().get(10, TimeUnit.SECONDS);

        Map<?, ?> echoed = caller.call("echo.back", new Object[] {1, "two"}, Map.class).get(10, TimeUnit.SECONDS);
        assertThat(echoed.get("method")).isEqualTo("back");
        assertThat(echoed.get("params")).isEqualTo(List.of(1, "two"));

        RpcCallException busy = failure(caller.call("echo.fail", null, Void.class));
        assertThat(busy.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(busy.retryable()).isTrue();
        assertThat(busy.details()).contains("retryAfterMillis");

        RpcCallException crash = failure(caller.call("echo.crash", null, Void.class));
        assertThat(crash.code()).isEqualTo(ErrorCode.SERVICE_ERROR);
        assertThat(crash.reason()).isEqualTo("broken");
    }

    @Test
    void theProviderSeesTheDeadlineAndTheCallersCancel() throws Exception {
        provider.provide(Greeter.class, greeter).ready().get(10, TimeUnit.SECONDS);
        CompletableFuture<String> call = caller.call("greeter.wait", new Object[] {"w"}, String.class,
                CallOptions.noTimeout());
        assertThat(greeter.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        call.cancel(true);
        assertThat(greeter.cancelled.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<String> timed = caller.call("greeter.wait", new Object[] {"t"}, String.class,
                CallOptions.timeout(Duration.ofMillis(300)));
        assertThat(greeter.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        assertThat(failure(timed).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(greeter.cancelled.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<String> open = caller.call("greeter.wait", new Object[] {"o"}, String.class,
                CallOptions.timeout(Duration.ofSeconds(20)));
        assertThat(greeter.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        greeter.open.countDown();
        assertThat(open.get(10, TimeUnit.SECONDS)).isEqualTo("o with deadline");
    }

    @Test
    void withdrawnAndRefusedServices() throws Exception {
        Registration reg = provider.provide("greeter", greeter);
        reg.ready().get(10, TimeUnit.SECONDS);
        reg.withdraw().get(10, TimeUnit.SECONDS);
        assertThat(failure(caller.call("greeter.greet", new Object[] {"x", 1}, String.class)).code())
                .isEqualTo(ErrorCode.METHOD_NOT_FOUND);

        Registration bad = provider.provide("not a name", greeter);
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> bad.ready().get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(AldisException.class);
        assertThat(((AldisException) e.getCause()).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aProviderThatReconnectsProvidesItsServicesAgain() throws Exception {
        provider.provide(Greeter.class, greeter).ready().get(10, TimeUnit.SECONDS);
        CompletableFuture<String> inFlight = caller.call("greeter.wait", new Object[] {"gone"}, String.class);
        assertThat(greeter.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        node.kill(provider);

        // The caller learns at once that the provider went away; the provider's handler is cancelled.
        RpcCallException gone = failure(inFlight);
        assertThat(gone.code()).isEqualTo(ErrorCode.PROVIDER_GONE);
        assertThat(greeter.cancelled.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

        // Once the provider is back, the service is there again, provided once.
        String answer = retryUntil(() -> caller.call("greeter.greet", new Object[] {"again", 1}, String.class));
        assertThat(answer).isEqualTo("hello again");
        assertThat(node.rpc().registry().services().stream().filter(s -> s.name().equals("greeter")).count()).isEqualTo(1);
    }

    /** Calls until the service is provided again: meanwhile the node answers METHOD_NOT_FOUND. */
    private static <T> T retryUntil(java.util.function.Supplier<CompletableFuture<T>> call) throws Exception {
        for (int i = 0; i < 200; i++) {
            try {
                return retryUntilConnected(call);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RpcCallException r) || r.code() != ErrorCode.METHOD_NOT_FOUND) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the service never came back");
    }
}
