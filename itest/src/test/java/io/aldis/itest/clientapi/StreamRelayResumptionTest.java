package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streams relayed through the node to a client provider across breaks of either connection
 * (docs/protocol.md 6.4.7, 6.4.8): the caller and the provider each reach a real node through a
 * TCP proxy that cuts that connection several times while items flow. When the caller's breaks,
 * its client resumes the session, the node resumes its stream toward the caller as it resumes any
 * other, and the provider's stream goes on meanwhile within the caller's credit; when the
 * provider's breaks, the provider's client resumes its session and the streams it serves, and the
 * node resumes its stream toward the provider. Every item arrives exactly once, in order, in each
 * direction; a provider that does not come back within the window fails the call with
 * {@code PROVIDER_GONE}.
 */
@ExtendWith(LeakWatch.class)
class StreamRelayResumptionTest {
    private static final CallOptions LONG_CALL = CallOptions.timeout(Duration.ofSeconds(60))
            .withStreamHighWaterMark(16);

    private static final int WINDOW_MILLIS = 5_000;

    private NodeFixture node;
    /** Between the caller and the node. */
    private CuttingProxy proxy;
    /** Between the provider and the node. */
    private CuttingProxy providerProxy;
    private AldisClient provider;
    private AldisClient caller;
    private StreamRelayTest.FeedImpl feed;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user").user("bob", "user").rpc()
                .streaming(StreamingSettings.defaults().withResumeWindowMillis(WINDOW_MILLIS)).start();
        providerProxy = new CuttingProxy(node.tcpPort());
        provider = node.connect(node.clientBuilder("bob").address("127.0.0.1", providerProxy.port()));
        feed = new StreamRelayTest.FeedImpl();
        provider.provide(StreamRelayTest.Feed.class, feed).ready().get(10, TimeUnit.SECONDS);
        proxy = new CuttingProxy(node.tcpPort());
        caller = node.connect(node.clientBuilder("alice").address("127.0.0.1", proxy.port()));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        proxy.close();
        if (providerProxy != null) {
            providerProxy.close();
        }
    }

    /** The connection a test cuts. */
    enum Link {
        CALLER, PROVIDER
    }

    private CuttingProxy proxyOf(Link link) {
        return link == Link.CALLER ? proxy : providerProxy;
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void aRelayedResultArrivesWholeAcrossSeveralCutsOfEitherLink(Link link) throws Exception {
        CuttingProxy cutting = proxyOf(link);
        int count = 20_000;
        StreamClientTest.Collector<Long> collector = new StreamClientTest.Collector<>(16);
        caller.<Long>callStream("feed.ticks", new Object[] {count}, Long.class, LONG_CALL).subscribe(collector);

        List<Long> items = StreamResumptionTest.take(collector, count, cutting::cut, 1_000, 4_000, 9_000, 15_000);

        assertThat(items).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(cutting.accepted()).as("connections through the proxy").isEqualTo(5);
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void aRelayedParameterArrivesWholeAcrossSeveralCutsOfEitherLink(Link link) throws Exception {
        CuttingProxy cutting = proxyOf(link);
        long count = 20_000;
        Flow.Publisher<Long> values = StreamResumptionTest.items(count, n -> n, n -> {
            if (n == 1_000 || n == 6_000 || n == 13_000) {
                cutting.cut();
            }
        });

        Long sum = caller.<Long>callWithStream("feed.sum", new Object[] {"n", values}, Long.class, LONG_CALL)
                .get(60, TimeUnit.SECONDS);

        assertThat(sum).isEqualTo(LongStream.range(0, count).sum());
        assertThat(feed.received).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(cutting.accepted()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Link.class)
    void bothDirectionsOfARelayedStreamArriveExactlyOnceInOrderAcrossCutsOfEitherLink(Link link) throws Exception {
        CuttingProxy cutting = proxyOf(link);
        int count = 10_000;
        AtomicLong produced = new AtomicLong();
        Flow.Publisher<Long> values = StreamResumptionTest.items(count, n -> n, n -> {
            if (produced.incrementAndGet() == 2_500) {
                cutting.cut();
            }
        });
        StreamClientTest.Collector<Long> collector = new StreamClientTest.Collector<>(16);
        caller.<Long>callStream("feed.doubled", new Object[] {values}, Long.class, LONG_CALL).subscribe(collector);

        List<Long> items = StreamResumptionTest.take(collector, count, cutting::cut, 6_000);

        assertThat(items).containsExactlyElementsOf(LongStream.range(0, count).map(n -> 2 * n).boxed().toList());
        assertThat(feed.received).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(produced.get()).as("each number produced once").isEqualTo(count);
    }

    @Test
    void aProviderThatDoesNotComeBackWithinTheWindowFailsTheCallWithProviderGone() throws Exception {
        StreamClientTest.Collector<Long> collector = new StreamClientTest.Collector<>(16);
        caller.<Long>callStream("feed.ticks", new Object[] {1_000_000}, Long.class, LONG_CALL).subscribe(collector);
        collector.next();

        CuttingProxy gone = providerProxy;
        providerProxy = null;
        gone.close(); // the provider's link breaks, and it cannot connect again

        try {
            collector.done.get(WINDOW_MILLIS + 20_000L, TimeUnit.MILLISECONDS);
            throw new AssertionError("the call did not fail");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RpcCallException.class);
            assertThat(((RpcCallException) e.getCause()).code()).isEqualTo(ErrorCode.PROVIDER_GONE);
        }
    }
}
