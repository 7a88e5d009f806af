package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.itest.rpc.Streams;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams across broken connections (docs/protocol.md 6.4.7): a Java client calls streaming
 * methods of a service in a real node through a TCP proxy that cuts the connection several times
 * while items flow; the client resumes its session with its token, and every item arrives exactly
 * once, in order, in each direction.
 */
@ExtendWith(LeakWatch.class)
class StreamResumptionTest {
    private static final String ALICE = "alice";
    private static final CallOptions LONG_CALL = CallOptions.timeout(Duration.ofSeconds(60));

    private NodeFixture node;
    private CuttingProxy proxy;
    private AldisClient client;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").rpc().streaming().start();
        node.export("streams", new Streams.Impl(), Streams.Api.class);
        proxy = new CuttingProxy(node.tcpPort());
        client = node.connect(node.clientBuilder(ALICE).address("127.0.0.1", proxy.port()));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
        proxy.close();
    }

    /** Items 0 … count-1 made by {@code item} as they are requested; {@code onItem} hears of each before it goes. */
    static <T> Flow.Publisher<T> items(long count, LongFunction<T> item, LongConsumer onItem) {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private long next;
            private long demand;
            private boolean emitting;
            private boolean cancelled;

            @Override
            public synchronized void request(long n) {
                demand += n;
                if (emitting) {
                    return;
                }
                emitting = true;
                while (demand > 0 && next < count && !cancelled) {
                    demand--;
                    long number = next++;
                    onItem.accept(number);
                    subscriber.onNext(item.apply(number));
                }
                emitting = false;
                if (next == count && !cancelled) {
                    cancelled = true;
                    subscriber.onComplete();
                }
            }

            @Override
            public synchronized void cancel() {
                cancelled = true;
            }
        });
    }

    /** Takes {@code count} items of a stream, cutting the connection when it has taken as many as one of {@code cuts}. */
    static <T> List<T> take(StreamClientTest.Collector<T> collector, int count, Runnable cut, int... cuts)
            throws Exception {
        List<T> taken = new ArrayList<>();
        while (taken.size() < count) {
            taken.add(collector.next());
            for (int at : cuts) {
                if (taken.size() == at) {
                    cut.run();
                }
            }
        }
        assertThat(collector.done.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(taken);
        return taken;
    }

    @Test
    void aStreamedResultArrivesWholeAcrossSeveralCuts() throws Exception {
        StreamClientTest.Collector<Integer> collector = new StreamClientTest.Collector<>(16);
        client.<Integer>callStream("streams.count", new Object[] {20_000}, Integer.class, LONG_CALL)
                .subscribe(collector);

        List<Integer> items = take(collector, 20_000, proxy::cut, 1_000, 4_000, 9_000, 15_000);

        assertThat(items).containsExactlyElementsOf(IntStream.range(0, 20_000).boxed().toList());
        assertThat(proxy.accepted()).as("connections through the proxy").isEqualTo(5);
    }

    @Test
    void aStreamedParameterArrivesWholeAcrossSeveralCuts() throws Exception {
        long count = 20_000;
        Flow.Publisher<Long> values = items(count, n -> n, n -> {
            if (n == 1_000 || n == 6_000 || n == 13_000) {
                proxy.cut();
            }
        });

        Long sum = client.<Long>callWithStream("streams.sum", new Object[] {values}, Long.class, LONG_CALL)
                .get(60, TimeUnit.SECONDS);

        assertThat(sum).isEqualTo(LongStream.range(0, count).sum());
        assertThat(proxy.accepted()).isEqualTo(4);
    }

    @Test
    void bothDirectionsOfOneStreamArriveExactlyOnceInOrderAcrossCuts() throws Exception {
        int count = 10_000;
        AtomicLong produced = new AtomicLong();
        Flow.Publisher<String> lines = items(count, n -> "line " + n, n -> {
            produced.incrementAndGet();
            if (n == 2_500) {
                proxy.cut();
            }
        });
        StreamClientTest.Collector<String> collector = new StreamClientTest.Collector<>(16);
        client.<String>callStream("streams.shout", new Object[] {lines}, String.class, LONG_CALL).subscribe(collector);

        List<String> items = take(collector, count, proxy::cut, 6_000);

        assertThat(items).containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> "LINE " + i).toList());
        assertThat(produced.get()).as("each line produced once").isEqualTo(count);
    }

    @Test
    void aLinkThatDiesSilentlyIsReplacedByTheResumedSessionAndTheStreamGoesOn() throws Exception {
        StreamClientTest.Collector<Integer> collector = new StreamClientTest.Collector<>(16);
        client.<Integer>callStream("streams.count", new Object[] {10_000}, Integer.class, LONG_CALL)
                .subscribe(collector);

        List<Integer> items = take(collector, 10_000, proxy::strand, 3_000);

        assertThat(items).containsExactlyElementsOf(IntStream.range(0, 10_000).boxed().toList());
    }
}
