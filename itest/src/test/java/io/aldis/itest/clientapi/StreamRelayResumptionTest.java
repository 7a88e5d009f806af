package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams relayed through the node to a client provider across breaks of the caller's connection
 * (docs/protocol.md 6.4.7, 6.4.8): the caller reaches a real node through a TCP proxy that cuts its
 * connection several times while items flow; its client resumes the session, the node resumes its
 * stream toward the caller as it resumes any other, and the provider's stream goes on meanwhile
 * within the caller's credit. Every item arrives exactly once, in order, in each direction.
 */
@ExtendWith(LeakWatch.class)
class StreamRelayResumptionTest {
    private static final CallOptions LONG_CALL = CallOptions.timeout(Duration.ofSeconds(60))
            .withStreamHighWaterMark(16);

    private NodeFixture node;
    private CuttingProxy proxy;
    private AldisClient provider;
    private AldisClient caller;
    private StreamRelayTest.FeedImpl feed;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user").user("bob", "user").rpc().streaming().start();
        provider = node.connect("bob");
        feed = new StreamRelayTest.FeedImpl();
        provider.provide(StreamRelayTest.Feed.class, feed).ready().get(10, TimeUnit.SECONDS);
        proxy = new CuttingProxy(node.tcpPort());
        caller = node.connect(node.clientBuilder("alice").address("127.0.0.1", proxy.port()));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        proxy.close();
    }

    @Test
    void aRelayedResultArrivesWholeAcrossSeveralCutsOfTheCallersLink() throws Exception {
        int count = 20_000;
        StreamClientTest.Collector<Long> collector = new StreamClientTest.Collector<>(16);
        caller.<Long>callStream("feed.ticks", new Object[] {count}, Long.class, LONG_CALL).subscribe(collector);

        List<Long> items = StreamResumptionTest.take(collector, count, proxy::cut, 1_000, 4_000, 9_000, 15_000);

        assertThat(items).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(proxy.accepted()).as("connections through the proxy").isEqualTo(5);
        assertThat(feed.last.requested.get()).as("each item asked of the provider once").isEqualTo(count);
    }

    @Test
    void aRelayedParameterArrivesWholeAcrossSeveralCutsOfTheCallersLink() throws Exception {
        long count = 20_000;
        Flow.Publisher<Long> values = StreamResumptionTest.items(count, n -> n, n -> {
            if (n == 1_000 || n == 6_000 || n == 13_000) {
                proxy.cut();
            }
        });

        Long sum = caller.<Long>callWithStream("feed.sum", new Object[] {"n", values}, Long.class, LONG_CALL)
                .get(60, TimeUnit.SECONDS);

        assertThat(sum).isEqualTo(LongStream.range(0, count).sum());
        assertThat(feed.received).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(proxy.accepted()).isEqualTo(4);
    }

    @Test
    void bothDirectionsOfARelayedStreamArriveExactlyOnceInOrderAcrossCuts() throws Exception {
        int count = 10_000;
        AtomicLong produced = new AtomicLong();
        Flow.Publisher<Long> values = StreamResumptionTest.items(count, n -> n, n -> {
            if (produced.incrementAndGet() == 2_500) {
                proxy.cut();
            }
        });
        StreamClientTest.Collector<Long> collector = new StreamClientTest.Collector<>(16);
        caller.<Long>callStream("feed.doubled", new Object[] {values}, Long.class, LONG_CALL).subscribe(collector);

        List<Long> items = StreamResumptionTest.take(collector, count, proxy::cut, 6_000);

        assertThat(items).containsExactlyElementsOf(LongStream.range(0, count).map(n -> 2 * n).boxed().toList());
        assertThat(feed.received).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(produced.get()).as("each number produced once").isEqualTo(count);
    }
}
