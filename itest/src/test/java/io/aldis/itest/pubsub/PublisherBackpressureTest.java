package io.aldis.itest.pubsub;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ReconnectPolicy;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Backpressure through the Java client, both ways. A client publishing faster than the node takes
 * its frames (the node holds it for a subscriber that stopped reading, under the block policy):
 * its sends fail with BUSY once the client's bounded queue is full, instead of piling up in
 * memory, and it publishes normally again once the node reads it. A client whose message handler
 * is slower than the network stops reading, so the node's slow-consumer policy applies to it
 * instead of the client buffering everything.
 */
@ExtendWith(LeakWatch.class)
class PublisherBackpressureTest {
    private static final int QUEUE_LIMIT = 50;

    private NodeFixture node;
    private AldisClient publisher;
    private FrameClient stalled;
    private FrameClient reader;

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close().get(10, TimeUnit.SECONDS);
        }
        for (FrameClient c : new FrameClient[] {stalled, reader}) {
            if (c != null) {
                c.close();
            }
        }
        node.close();
    }

    @Test
    void aSubscriberWhoseHandlerIsStuckStopsReadingSoTheNodeAppliesItsPolicy() throws Exception {
        node = PubSubNodes.start();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong handled = new java.util.concurrent.atomic.AtomicLong();
        publisher = AldisClient.builder().address("127.0.0.1", node.tcpPort())
                .credentials("bob", PASSWORD.toCharArray()).reconnect(ReconnectPolicy.none())
                .clientName("stuck-handler").build();
        publisher.connect().get(10, TimeUnit.SECONDS);
        io.aldis.client.Subscription subscription = publisher.subscribe("feed",
                io.aldis.client.SubscribeOptions.defaults().withPolicy(io.aldis.client.SlowConsumerPolicy.DROP_NEWEST)
                        .withBudgetBytes(65_536),
                d -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    handled.incrementAndGet();
                });
        subscription.ready().get(10, TimeUnit.SECONDS);
        String owner = node.pubsub().view().subscriptions().stream().filter(v -> v.pattern().equals("feed")).findFirst()
                .orElseThrow().owner();

        reader = node.login("alice");
        byte[] payload = new byte[512];
        // 200 000 × 512 bytes: far more than the client's 8 192 waiting frames and the sockets' buffers.
        int sent = 0;
        while (sent < 200_000 && view(owner).dropped() == 0) {
            for (int i = 0; i < 1000; i++) {
                reader.write(new io.aldis.protocol.api.Publish("feed", "", java.util.Map.of(), payload));
            }
            reader.flush();
            sent += 1000;
        }
        assertThat(view(owner).dropped()).as("the node dropped for the stuck subscriber after %d publishes", sent)
                .isPositive();

        // The node handles a session's frames in order: once this is answered, every publish
        // above has been routed (delivered, queued or dropped), so nothing adds to the queue later.
        reader.subscribeOk(2, "marker");
        release.countDown();
        // Once the handler runs again, the client reads again and gets what the node kept.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (view(owner).pendingBytes() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(view(owner).pendingBytes()).isZero();
        assertThat(handled.get()).isPositive().isLessThan(sent);
    }

    private io.aldis.feature.pubsub.internal.stats.PubSubView.SubscriptionView view(String owner) {
        return node.pubsub().view().subscriptions().stream().filter(v -> v.owner().equals(owner)).findFirst().orElseThrow();
    }

    @Test
    void aPublisherAheadOfTheNodeGetsBusyAndRecoversWhenTheNodeReadsAgain() throws Exception {
        node = PubSubNodes.start();
        stalled = node.login("root", 4096); // pausing others needs the 'block' permission
        stalled.subscribeOk(1, "flood", "", "{\"policy\":\"block\",\"budgetBytes\":65536}");
        // The stalled subscriber reads nothing from here on, so the node stops reading the publisher.

        publisher = AldisClient.builder().address("127.0.0.1", node.tcpPort())
                .credentials("alice", PASSWORD.toCharArray()).reconnect(ReconnectPolicy.none())
                .maxQueuedWhilePaused(QUEUE_LIMIT).clientName("flooder").build();
        publisher.connect().get(10, TimeUnit.SECONDS);

        byte[] payload = new byte[1024];
        AtomicReference<Throwable> refused = new AtomicReference<>();
        long published = 0;
        // 4 GiB at most: far beyond what the socket buffers of loopback can hold.
        while (refused.get() == null && published < 4_000_000) {
            publisher.publish("flood", payload).whenComplete((ok, error) -> {
                if (error != null) {
                    refused.compareAndSet(null, error);
                }
            });
            published++;
            if (published % 1024 == 0) {
                Thread.sleep(1); // lets the failure of an earlier send be seen before sending much more
            }
        }
        assertThat(refused.get()).as("a send refused after %d publishes", published).isInstanceOf(AldisException.class);
        AldisException busy = (AldisException) refused.get();
        assertThat(busy.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(busy.getMessage()).contains("maxQueuedWhilePaused");

        // The stalled subscriber leaves; the node reads the publisher again and it gets through.
        stalled.close();
        stalled = null;
        reader = node.login("bob");
        reader.subscribeOk(1, "after");
        CompletableFuture<Void> after = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            after = publisher.publish("after", "back".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                after.get(10, TimeUnit.SECONDS);
                break;
            } catch (java.util.concurrent.ExecutionException stillFull) {
                assertThat(stillFull.getCause()).isInstanceOf(AldisException.class);
                assertThat(((AldisException) stillFull.getCause()).code()).isEqualTo(ErrorCode.BUSY);
                Thread.sleep(50); // the backlog drains into the node first
            }
        }
        assertThat(after).isCompleted();
        assertThat(FrameClient.text(reader.deliverOn("after"))).isEqualTo("back");
    }
}
