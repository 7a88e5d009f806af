package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.Subscription;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.clientapi.Api.Till;
import io.aldis.itest.clientapi.Api.TillImpl;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Where a client runs its callbacks by default, against a real node: on the I/O thread that read
 * what they handle while they return promptly, on the shared pool after one that holds it; and a
 * callback that waits for an answer of its own client fails at once wherever it runs.
 */
@ExtendWith(LeakWatch.class)
class CallbackThreadsTest {
    private static final String ALICE = "alice";
    private static final String POOL = "aldis-client-callbacks-";
    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").rpc().pubsub(PubSubSettings.defaults()).start();
        node.export("till", new TillImpl(), Till.class);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    /**
     * Publishes {@code count} messages on a subject {@code client} subscribed to, each once the
     * handler is done with the one before (so that each comes in a read of its own), and gives the
     * threads the handler ran on.
     */
    private static List<String> handlerThreads(AldisClient client, int count, Consumer<Integer> work) throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        Semaphore handled = new Semaphore(0);
        int[] n = {0};
        Subscription s = client.subscribe("cb.x", d -> {
            threads.add(Thread.currentThread().getName());
            try {
                work.accept(n[0]++);
            } finally {
                handled.release();
            }
        });
        s.ready().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < count; i++) {
            client.publish("cb.x", "m".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
            assertThat(handled.tryAcquire(20, TimeUnit.SECONDS)).as("message " + i + " handled").isTrue();
        }
        s.close();
        return threads;
    }

    @Test
    void promptCallbacksRunOnTheIoThreadThatReadTheirFrames() throws Exception {
        // a limit no pause of a loaded machine reaches, so that only the placement is tested here
        AldisClient client = node.connect(node.clientBuilder(ALICE).callbackOnIoThreadLimit(Duration.ofSeconds(5)));

        // what a handler sends is written from the I/O thread, and its answer comes back there
        // (the answer cannot be read before the handler returned, so whenComplete is attached first)
        CompletableFuture<String> answeredOn = new CompletableFuture<>();
        List<String> threads = handlerThreads(client, 50, n -> {
            if (n == 0) {
                client.call("till.add", new Object[] {3, 4}, Integer.class).whenComplete((seven, error) ->
                        answeredOn.complete(seven + " on " + Thread.currentThread().getName()));
            }
        });

        assertThat(threads).hasSize(50);
        // Not every one: a callback another thread queues (a timer's) runs on the pool, and those the
        // I/O thread queues while it runs go there with it, in order. Without the judgement, all 50 would.
        assertThat(threads.stream().filter(t -> t.startsWith("aldis-client-") && !t.startsWith(POOL)).count())
                .as("handlers on the I/O thread, of " + threads).isGreaterThanOrEqualTo(45);
        assertThat(answeredOn.get(10, TimeUnit.SECONDS)).startsWith("7 on aldis-client-");
    }

    @Test
    void aCallbackThatHoldsTheIoThreadSendsTheClientsCallbacksToThePool() throws Exception {
        AldisClient client = node.connect(node.clientBuilder(ALICE).callbackOnIoThreadLimit(Duration.ofMillis(1)));

        // 200 times the limit: enough by itself (one callback a little past it would be forgiven)
        List<String> threads = handlerThreads(client, 20, n -> {
            if (n == 0) {
                sleep(200);
            }
        });

        assertThat(threads.subList(1, 20)).allMatch(t -> t.startsWith(POOL));
        assertThat(client.call("till.add", new Object[] {2, 40}, Integer.class).get(10, TimeUnit.SECONDS)).isEqualTo(42);
    }

    @Test
    void aZeroLimitRunsEveryCallbackOnThePool() throws Exception {
        AldisClient client = node.connect(node.clientBuilder(ALICE).callbackOnIoThreadLimit(Duration.ZERO));

        assertThat(handlerThreads(client, 10, n -> { })).hasSize(10).allMatch(t -> t.startsWith(POOL));
    }

    @Test
    void aCallbackThatWaitsForAnAnswerOfItsOwnClientFailsAtOnce() throws Exception {
        for (Duration limit : List.of(Duration.ofMillis(250), Duration.ZERO)) {
            AldisClient client = node.connect(node.clientBuilder(ALICE).callbackOnIoThreadLimit(limit));
            Till till = client.proxy(Till.class);
            List<String> refusals = new CopyOnWriteArrayList<>();
            handlerThreads(client, 1, n -> {
                try {
                    client.call("till.add", new Object[] {1, 1}, Integer.class).join();
                } catch (IllegalStateException e) {
                    refusals.add(e.getMessage());
                }
                try {
                    till.add(1, 1);
                } catch (IllegalStateException e) {
                    refusals.add(e.getMessage());
                }
                try {
                    client.call("till.add", new Object[] {1, 1}, Integer.class).thenApply(two -> two * 2).join();
                } catch (IllegalStateException e) {
                    refusals.add(e.getMessage());
                }
                try {
                    client.requestReply("cb.nobody", new byte[0], Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
                } catch (IllegalStateException e) {
                    refusals.add(e.getMessage());
                } catch (Exception e) {
                    refusals.add("not refused: " + e);
                }
                try {
                    client.subscribe("cb.y", d -> { }).ready().join();
                } catch (IllegalStateException e) {
                    refusals.add(e.getMessage());
                }
            });

            assertThat(refusals).as("with a limit of " + limit).hasSize(5)
                    .allSatisfy(m -> assertThat(m).contains("cannot wait for an answer of the same client")
                            .contains("thenCompose"));
            // the calls that were refused a wait still went out; the client goes on
            assertThat(till.add(20, 22)).isEqualTo(42);
            client.close().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aCallbackMayWaitForAnAnswerOfAnotherClient() throws Exception {
        AldisClient client = node.connect(ALICE);
        AldisClient other = node.connect(ALICE);
        List<Integer> answers = new CopyOnWriteArrayList<>();

        handlerThreads(client, 3, n -> answers.add(other.proxy(Till.class).add(n, 1)));

        assertThat(answers).containsExactly(1, 2, 3);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
