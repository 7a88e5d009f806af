package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.ReconnectPolicy;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.stream.SenderCredit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A streamed result over a real socket and the real codec, with the client's own threads: items
 * arrive on its callback thread while the subscriber requests from a thread of its own.
 */
class StreamOverTcpTest {
    private final FakeNode node = new FakeNode();
    private final ExecutorService consumer = Executors.newSingleThreadExecutor();
    private AldisClient client;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close().get(10, TimeUnit.SECONDS);
        }
        consumer.shutdownNow();
        node.close();
    }

    @Test
    void aSubscriberRequestingFromItsOwnThreadGetsEveryItemInOrderWithinTheCredit() throws Exception {
        node.capabilities = Capability.maskOf(EnumSet.of(Capability.RPC, Capability.STREAMS, Capability.RESUME_TOKEN));
        node.start();
        client = AldisClient.builder().address("127.0.0.1", node.port()).credentials("alice", "pencil".toCharArray())
                .mechanism("PLAIN").reconnect(ReconnectPolicy.none()).connectTimeout(Duration.ofSeconds(5)).build();
        client.connect().get(10, TimeUnit.SECONDS);

        int h = 8;
        int total = 500;
        List<Integer> received = new CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        client.callStream("ticks.count", null, Integer.class, CallOptions.defaults().withStreamHighWaterMark(h))
                .subscribe(new Flow.Subscriber<Integer>() {
                    private Flow.Subscription subscription;

                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscription = s;
                        consumer.execute(() -> s.request(1));
                    }

                    @Override
                    public void onNext(Integer item) {
                        received.add(item);
                        consumer.execute(() -> subscription.request(1)); // one at a time, from elsewhere
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }

                    @Override
                    public void onComplete() {
                        done.complete(null);
                    }
                });
        RpcRequest call = node.await(RpcRequest.class);
        assertThat(call.streams()).isTrue();
        node.broadcast(new StreamOpen(2, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        SenderCredit credit = new SenderCredit();
        credit.grant(node.await(StreamCredit.class).credit());
        int sent = 0;
        while (sent < total) {
            while (sent < total && credit.take(1) == SenderCredit.Verdict.SEND) {
                node.broadcast(new StreamData(false, 2, String.valueOf(sent++).getBytes(StandardCharsets.UTF_8)));
            }
            if (sent < total) {
                StreamCredit grant = node.await(StreamCredit.class);
                assertThat(2L * grant.credit()).isGreaterThanOrEqualTo(h);
                credit.grant(grant.credit()); // refuses a grant above the high-water mark
            }
        }
        node.broadcast(new StreamEnd(2));
        node.broadcast(new RpcResponse(call.callId(), "null".getBytes(StandardCharsets.UTF_8)));
        done.get(10, TimeUnit.SECONDS);
        assertThat(received).containsExactlyElementsOf(IntStream.range(0, total).boxed().toList());
        // Every credit comes back in the end: the half returns and the final return.
        while (!credit.allPaidBack()) {
            credit.grant(node.await(StreamCredit.class).credit());
        }
    }

    @Test
    void aCallsAnswerReachesItsCallerWhileAStreamsSubscriberIsStillBusyWithAnItemThatCameBeforeIt()
            throws Exception {
        node.capabilities = Capability.maskOf(EnumSet.of(Capability.RPC, Capability.STREAMS, Capability.RESUME_TOKEN));
        node.start();
        client = AldisClient.builder().address("127.0.0.1", node.port()).credentials("alice", "pencil".toCharArray())
                .mechanism("PLAIN").reconnect(ReconnectPolicy.none()).connectTimeout(Duration.ofSeconds(5)).build();
        client.connect().get(10, TimeUnit.SECONDS);

        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.callStream("ticks.count", null, Integer.class, CallOptions.defaults().withStreamHighWaterMark(8))
                .subscribe(new Flow.Subscriber<Integer>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(Integer item) {
                        received.add(item);
                        busy.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }

                    @Override
                    public void onComplete() {
                        done.complete(null);
                    }
                });
        RpcRequest streamed = node.await(RpcRequest.class);
        node.broadcast(new StreamOpen(2, streamed.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        node.await(StreamCredit.class);
        node.broadcast(new StreamData(false, 2, "0".getBytes(StandardCharsets.UTF_8)));
        node.broadcast(new StreamData(false, 2, "1".getBytes(StandardCharsets.UTF_8)));
        assertThat(busy.await(10, TimeUnit.SECONDS)).as("the subscriber took the first item").isTrue();

        // The answer comes on the same connection after both items, while onNext still holds the first.
        CompletableFuture<String> answer = client.call("echo.echo", List.of("hi"), String.class);
        RpcRequest plain = node.await(RpcRequest.class);
        node.broadcast(new RpcResponse(plain.callId(), "\"hi\"".getBytes(StandardCharsets.UTF_8)));
        try {
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("hi");
            assertThat(received).as("items the subscriber was given by then").containsExactly(0);
        } finally {
            release.countDown();
        }

        node.broadcast(new StreamEnd(2));
        node.broadcast(new RpcResponse(streamed.callId(), "null".getBytes(StandardCharsets.UTF_8)));
        done.get(10, TimeUnit.SECONDS);
        assertThat(received).containsExactly(0, 1);
    }
}
