package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.ConnectionListener;
import io.aldis.client.RpcCallException;
import io.aldis.client.SessionInfo;
import io.aldis.client.Subscription;
import io.aldis.itest.rpc.Gate;
import io.aldis.itest.rpc.GateApi;
import io.aldis.itest.rpc.Streams;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Links that are slow or stall rather than break, under load: a subscriber, a caller and a
 * streamed call share one Java client whose connection goes through a {@link CuttingProxy} that
 * delays every byte and then stalls the link, while another client publishes to it directly.
 *
 * <p>A link that only lags keeps every promise: each message arrives once and in order, each call
 * is answered, each item of the stream arrives once and in order, on the same connection. A link
 * that stalls for longer than the heartbeat allows is given up by the client, which comes back on a
 * new connection and resumes its session: the stream goes on exactly once and in order, calls in
 * flight are answered or fail with a code of their own (never hang), and messages never arrive
 * twice or out of order.
 */
@ExtendWith(LeakWatch.class)
class LinkFaultsTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private static final CallOptions LONG_CALL = CallOptions.timeout(Duration.ofSeconds(60));
    /** How long a test waits for something that should take far less. */
    private static final long PATIENCE_SECONDS = 30;

    private NodeFixture node;
    private CuttingProxy proxy;
    private final List<Integer> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch reconnected = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** A node with pub/sub, RPC and streams, and alice's client through the proxy, subscribed to {@code faults.>}. */
    private AldisClient start(NodeSettings settings) throws Exception {
        node = NodeFixture.builder().settings(settings).user(ALICE, "user").user(BOB, "user")
                .pubsub().rpc().streaming().start();
        node.export("streams", new Streams.Impl(), Streams.Api.class);
        node.export("gate", new Gate(), GateApi.class);
        proxy = new CuttingProxy(node.tcpPort());
        AldisClient alice = node.connect(node.clientBuilder(ALICE).address("127.0.0.1", proxy.port())
                .listener(new ConnectionListener() {
                    @Override
                    public void reconnected(SessionInfo session) {
                        reconnected.countDown();
                    }
                }));
        Subscription subscription = alice.subscribe("faults.>",
                d -> received.add(Integer.parseInt(new String(d.payload(), StandardCharsets.US_ASCII))));
        subscription.ready().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        return alice;
    }

    private static void publish(AldisClient publisher, int from, int to) throws Exception {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (int n = from; n < to; n++) {
            sent.add(publisher.publish("faults." + (n % 7), Integer.toString(n).getBytes(StandardCharsets.US_ASCII)));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    private static List<CompletableFuture<String>> calls(AldisClient caller, String prefix, int count, CallOptions options) {
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(caller.call("gate.quick", new Object[] {prefix + i}, String.class, options));
        }
        return calls;
    }

    /** Waits until {@code received} holds {@code count} messages. */
    private void awaitReceived(int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (received.size() < count && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(received).as("messages that arrived").hasSizeGreaterThanOrEqualTo(count);
    }

    @Test
    void aLinkThatLagsAndStallsForAMomentKeepsEveryPromiseOnTheSameConnection() throws Exception {
        // The default heartbeat (10 s) outlasts the stall many times over: the connection must live.
        AldisClient alice = start(NodeSettings.defaults());
        AldisClient bob = node.connect(BOB);
        int messages = 3_000;
        int items = 5_000;
        proxy.delay(Duration.ofMillis(25));

        StreamClientTest.Collector<Integer> stream = new StreamClientTest.Collector<>(16);
        alice.<Integer>callStream("streams.count", new Object[] {items}, Integer.class, LONG_CALL).subscribe(stream);
        List<CompletableFuture<String>> before = calls(alice, "before-", 50, LONG_CALL);
        publish(bob, 0, messages / 2);
        List<Integer> streamed = new ArrayList<>();
        for (int i = 0; i < items / 2; i++) {
            streamed.add(stream.next());
        }

        proxy.stall();
        List<CompletableFuture<String>> during = calls(alice, "during-", 50, LONG_CALL);
        publish(bob, messages / 2, messages);
        Thread.sleep(1_000); // the stall: everything above waits in the proxy and the sockets' buffers
        assertThat(during).as("no call answered through a stalled link").noneMatch(CompletableFuture::isDone);
        assertThat(received).as("no message of the second half through a stalled link")
                .allMatch(m -> m < messages / 2);
        proxy.unstall();

        while (streamed.size() < items) {
            streamed.add(stream.next());
        }
        assertThat(stream.done.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).containsExactlyElementsOf(streamed);
        assertThat(streamed).as("the stream, once each, in order")
                .containsExactlyElementsOf(IntStream.range(0, items).boxed().toList());
        for (int i = 0; i < 50; i++) {
            assertThat(before.get(i).get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("before-" + i);
            assertThat(during.get(i).get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("during-" + i);
        }
        awaitReceived(messages);
        assertThat(received).as("every message, once, in order")
                .containsExactlyElementsOf(IntStream.range(0, messages).boxed().toList());
        assertThat(proxy.accepted()).as("connections through the proxy: the first one lasted").isEqualTo(1);
        assertThat(reconnected.getCount()).as("no reconnect").isEqualTo(1);
    }

    @Test
    void aLinkStalledPastTheHeartbeatIsReplacedAndNothingHangsRepeatsOrOvertakes() throws Exception {
        // Heartbeats every 500 ms: a link silent for a second is given up (by the node here, whose close
        // the proxy passes on; the client's own heartbeat check is ClientTest's) and the client comes
        // back on a new one.
        AldisClient alice = start(NodeSettings.defaults().withTimeouts(500, 10_000));
        AldisClient bob = node.connect(BOB);
        int items = 20_000;
        proxy.delay(Duration.ofMillis(5));

        StreamClientTest.Collector<Integer> stream = new StreamClientTest.Collector<>(16);
        alice.<Integer>callStream("streams.count", new Object[] {items}, Integer.class, LONG_CALL).subscribe(stream);
        List<Integer> streamed = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            streamed.add(stream.next());
        }
        publish(bob, 0, 1_000);
        awaitReceived(1_000);

        proxy.stall();
        CallOptions deadline = CallOptions.timeout(Duration.ofSeconds(2));
        List<CompletableFuture<String>> stalled = calls(alice, "stalled-", 50, deadline);
        publish(bob, 1_000, 2_000);
        assertThat(reconnected.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).as("the client came back").isTrue();

        for (int i = 0; i < stalled.size(); i++) {
            try {
                assertThat(stalled.get(i).get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("stalled-" + i);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(RpcCallException.class);
                assertThat(((RpcCallException) e.getCause()).code())
                        .as("a call that was not answered fails with a code that says why")
                        .isIn(ErrorCode.CONNECTION_INTERRUPTED, ErrorCode.DEADLINE_EXCEEDED);
            }
        }
        List<CompletableFuture<String>> after = calls(alice, "after-", 50, deadline);
        for (int i = 0; i < after.size(); i++) {
            assertThat(after.get(i).get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("after-" + i);
        }
        publish(bob, 2_000, 3_000);
        while (streamed.size() < items) {
            streamed.add(stream.next());
        }
        assertThat(stream.done.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).containsExactlyElementsOf(streamed);
        assertThat(streamed).as("the stream, once each, in order, across the new connection")
                .containsExactlyElementsOf(IntStream.range(0, items).boxed().toList());

        awaitUntilLast(2_999);
        assertThat(received).as("messages never twice, never out of order").isSorted().doesNotHaveDuplicates();
        assertThat(received).as("every message published once the client was back")
                .containsAll(IntStream.range(2_000, 3_000).boxed().toList());
        assertThat(proxy.accepted()).as("a new connection replaced the stalled one").isGreaterThanOrEqualTo(2);
    }

    /** Waits until message {@code last} has arrived. */
    private void awaitUntilLast(int last) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (!received.contains(last) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertThat(received).as("the last message").contains(last);
    }
}
