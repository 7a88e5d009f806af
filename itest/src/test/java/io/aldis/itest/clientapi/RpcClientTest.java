package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.clientapi.Api.Basket;
import io.aldis.itest.clientapi.Api.Line;
import io.aldis.itest.clientapi.Api.Till;
import io.aldis.itest.clientapi.Api.TillClient;
import io.aldis.itest.clientapi.Api.TillImpl;
import io.aldis.itest.clientapi.Api.Total;
import io.aldis.itest.clientapi.Api.Unit;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
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

/** {@code call}, cancellation, deadlines and typed proxies against services exported inside a real node. */
@ExtendWith(LeakWatch.class)
class RpcClientTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private NodeFixture node;
    private TillImpl till;
    private AldisClient client;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc()
                .pubsub(PubSubSettings.defaults())
                .start();
        till = new TillImpl();
        node.export("till", till, Till.class);
        client = node.connect(ALICE);
    }

    @AfterEach
    void stop() throws Exception {
        till.open.countDown();
        node.close();
    }

    static RpcCallException failure(CompletableFuture<?> future) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> future.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(RpcCallException.class);
        return (RpcCallException) e.getCause();
    }

    @Test
    void argumentsByPositionByNameAndAsRecords() throws Exception {
        assertThat(client.call("till.add", new Object[] {2, 40}, Integer.class).get(10, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(client.call("till.add", Map.of("a", 5, "b", 6), int.class).get(10, TimeUnit.SECONDS)).isEqualTo(11);

        Basket basket = new Basket("ann", List.of(new Line("A-1", 2, Unit.PIECE), new Line("B-2", 3, Unit.BOX)));
        Total total = client.call("till.total", basket, Total.class).get(10, TimeUnit.SECONDS);
        assertThat(total).isEqualTo(new Total("ann", 32, List.of("A-1", "B-2")));

        // A generic result type.
        Map<String, Object> raw = client.<Map<String, Object>>call("till.totalLater", new Object[] {basket},
                new TypeReference<Map<String, Object>>() { }.getType(), CallOptions.defaults()).get(10, TimeUnit.SECONDS);
        assertThat(raw).containsEntry("owner", "ann").containsEntry("pieces", 32);
    }

    @Test
    void callbacksRunOnTheIoThreadWithADirectCallbackExecutor() throws Exception {
        CompletableFuture<String> connectedOn = new CompletableFuture<>();
        CompletableFuture<String> disconnectedOn = new CompletableFuture<>();
        AldisClient direct = node.connect(node.clientBuilder(ALICE).callbackExecutor(Runnable::run)
                .listener(new io.aldis.client.ConnectionListener() {
                    @Override
                    public void connected(io.aldis.client.SessionInfo session) {
                        connectedOn.complete(Thread.currentThread().getName());
                    }

                    @Override
                    public void disconnected(io.aldis.client.DisconnectReason reason) {
                        disconnectedOn.complete(Thread.currentThread().getName());
                    }
                }));
        assertThat(connectedOn.get(10, TimeUnit.SECONDS)).isNotEmpty();

        // Each call is made from the callback of the one before: 200 round trips chained on the I/O thread.
        String ioThread = connectedOn.get();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CompletableFuture<Integer> chained = new CompletableFuture<>();
        chain(direct, 0, 200, Thread.currentThread(), threads, chained);
        assertThat(chained.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(ioThread).startsWith("aldis-client-").doesNotStartWith("aldis-client-callbacks");
        assertThat(threads).containsExactly(ioThread);

        // A failure is delivered the same way.
        assertThat(failure(direct.call("till.nothing", new Object[0], Integer.class)).code())
                .isEqualTo(ErrorCode.METHOD_NOT_FOUND);
        // Events of a state change still reach the listener, and the client still closes.
        direct.close().get(10, TimeUnit.SECONDS);
        assertThat(disconnectedOn.get(10, TimeUnit.SECONDS)).isNotEmpty();
    }

    /**
     * A call made by the test thread may be answered before whenComplete is attached, and
     * CompletableFuture then runs the callback on the test thread, which makes the next call: so
     * the chain may stay on the test thread for a few calls. Only callbacks of calls made from
     * another thread are recorded; once the chain reaches the I/O thread, the I/O thread cannot
     * read an answer before the callback that made the call returns, so every later callback is
     * recorded.
     */
    private static void chain(AldisClient client, int sum, int left, Thread testThread,
            java.util.Set<String> threads, CompletableFuture<Integer> done) {
        if (left == 0) {
            done.complete(sum);
            return;
        }
        boolean record = Thread.currentThread() != testThread;
        client.call("till.add", new Object[] {sum, 1}, Integer.class).whenComplete((value, error) -> {
            if (record) {
                threads.add(Thread.currentThread().getName());
            }
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                chain(client, value, left - 1, testThread, threads, done);
            }
        });
    }

    @Test
    void failuresCarryCodeDetailsAndFieldErrors() {
        RpcCallException invalid = failure(client.call("till.total",
                Map.of("owner", "ann", "lines", List.of(Map.of("sku", "A-1", "count", 0), Map.of("count", "x"))),
                Total.class));
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(invalid.retryable()).isFalse();
        assertThat(invalid.fieldErrors()).extracting(RpcCallException.FieldError::path)
                .contains("basket.lines[1].count");

        RpcCallException refused = failure(client.call("till.refuse", new Object[] {"closed"}, Void.class));
        assertThat(refused.code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refused.reason()).isEqualTo("refused: closed");
        assertThat(refused.details()).contains("\"why\":\"closed\"");

        RpcCallException missing = failure(client.call("till.nothing", null, Void.class));
        assertThat(missing.code()).isEqualTo(ErrorCode.METHOD_NOT_FOUND);
        assertThat(missing.fieldErrors()).isEmpty();
    }

    @Test
    void cancellingTheFutureCancelsTheCallOnTheNode() throws Exception {
        CompletableFuture<String> call = client.call("till.hold", new Object[] {"c1"}, String.class);
        assertThat(till.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        assertThat(call.cancel(true)).isTrue();
        // The node received RPC_CANCEL and interrupted the method.
        assertThat(till.interrupted.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        // The session is still fine.
        assertThat(client.call("till.add", new Object[] {1, 1}, Integer.class).get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }

    @Test
    void theTimeoutTravelsAsTheDeadline() throws Exception {
        RpcCallException late = failure(client.call("till.hold", new Object[] {"d1"}, String.class,
                CallOptions.timeout(Duration.ofMillis(300))));
        assertThat(late.code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(till.interrupted.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void proxiesCallBlockingAndAsynchronously() throws Exception {
        TillClient proxy = client.proxy(TillClient.class);
        assertThat(proxy.add(20, 22)).isEqualTo(42);
        Basket basket = new Basket("bo", List.of(new Line("C-3", 4, Unit.PIECE)));
        assertThat(proxy.total(basket).pieces()).isEqualTo(4);
        assertThat(proxy.totalLater(basket).get(10, TimeUnit.SECONDS).skus()).containsExactly("C-3");
        assertThatThrownBy(() -> proxy.refuse("no")).isInstanceOf(RpcCallException.class)
                .satisfies(e -> assertThat(((RpcCallException) e).code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> proxy.hold("p1", CallOptions.timeout(Duration.ofMillis(200))))
                .isInstanceOf(RpcCallException.class)
                .satisfies(e -> assertThat(((RpcCallException) e).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED));
        assertThat(proxy.toString()).contains("till");

        // The same interface under another name, and the default method runs locally.
        Till direct = client.proxy(Till.class, "till");
        assertThat(direct.add(1, 2)).isEqualTo(3);
        assertThat(direct.describe()).isEqualTo("till");
    }

    @Test
    void aCallInFlightWhenTheConnectionBreaksFailsRetryableAndIsNotSentAgain() throws Exception {
        CompletableFuture<String> call = client.call("till.hold", new Object[] {"r1"}, String.class);
        assertThat(till.entered.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        node.kill(client);

        RpcCallException broken = failure(call);
        assertThat(broken.code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(broken.retryable()).isTrue();

        // After the reconnect, calls work again, and the interrupted one never ran a second time.
        assertThat(retryUntilConnected(() -> client.call("till.add", new Object[] {3, 4}, Integer.class))).isEqualTo(7);
        till.open.countDown();
        assertThat(till.entered.tryAcquire(300, TimeUnit.MILLISECONDS)).isFalse();
    }

    /** Calls until the client has its new session: calls made while it reconnects fail with a retryable code. */
    static <T> T retryUntilConnected(java.util.function.Supplier<CompletableFuture<T>> call) throws Exception {
        for (int i = 0; i < 200; i++) {
            try {
                return call.get().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RpcCallException r) || !r.retryable()) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the client never reconnected");
    }
}
