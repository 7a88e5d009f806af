package io.aldis.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cost of one hop for a stream: a node→client stream of 128-byte items from an OSGi service
 * exported on node c, window 64 items (the client grants half the window each time it consumed
 * half), read by a client of node a (each item and each grant crosses between the nodes on
 * Hazelcast's topics) beside the same stream read by a client of c itself, in the child JVMs the
 * cluster tests use. Prints one line starting {@code cluster stream figures:}; asserts only that
 * every item came, in order, and the call's answer after them. The same for the stream of a
 * service a Java client provides on c, relayed by c (to a client of c, or to a), in a line
 * starting {@code cluster provided stream figures:}.
 */
@Tag("long")
class ClusterStreamRateLongTest {
    private static final int ITEMS = 200_000;
    private static final int SIZE = 128;
    private static final int WINDOW = 64;
    private static final String PROVIDED = "provided";

    /** What the providing client serves: {@code count} items of {@code size} bytes, item i filled with i. */
    public interface Blocks {
        Flow.Publisher<byte[]> blocks(int count, int size);
    }

    /** Makes each item only when it is requested, as the OSGi service's stream does. */
    static final class BlocksImpl implements Blocks {
        @Override
        public Flow.Publisher<byte[]> blocks(int count, int size) {
            return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                private int next;
                private long demand;
                private boolean emitting;
                private boolean over;

                @Override
                public void request(long n) {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                    if (emitting) {
                        return;
                    }
                    emitting = true;
                    while (!over && demand > 0 && next < count) {
                        demand--;
                        byte[] item = new byte[size];
                        Arrays.fill(item, (byte) next++);
                        subscriber.onNext(item);
                    }
                    if (!over && next == count) {
                        over = true;
                        subscriber.onComplete();
                    }
                    emitting = false;
                }

                @Override
                public void cancel() {
                    over = true;
                }
            });
        }
    }

    @Test
    void aProvidedStreamOf128ByteItemsWindow64AcrossTwoNodesAndThroughOne() throws Exception {
        int[] ports = ChildNode.freePorts(2);
        String secret = "provided-stream-rate-of-two-nodes-on-loopback";
        try (ChildNode.Clustered a = ChildNode.startClustered("a", secret, ports[0], List.of("127.0.0.1:" + ports[1]));
                ChildNode.Clustered c = ChildNode.startClustered("c", secret, ports[1], List.of("127.0.0.1:" + ports[0]))) {
            AldisClient provider = AldisClient.builder()
                    .address("127.0.0.1", c.port())
                    .credentials(ChildNode.USER, NodeFixture.PASSWORD.toCharArray())
                    .reconnect(ReconnectPolicy.none())
                    .build();
            try {
                provider.connect().get(30, TimeUnit.SECONDS);
                provider.provide(PROVIDED, (Object) new BlocksImpl()).ready().get(10, TimeUnit.SECONDS);
                double local = run(c, PROVIDED + ".blocks");
                double cross = run(a, PROVIDED + ".blocks");
                // A second round of each, after the JIT has seen both paths.
                local = Math.max(local, run(c, PROVIDED + ".blocks"));
                cross = Math.max(cross, run(a, PROVIDED + ".blocks"));
                System.out.printf(Locale.ROOT, "cluster provided stream figures: %d items of %d bytes, window %d:"
                        + " through one node %.0f items/s, across two nodes %.0f items/s%n", ITEMS, SIZE, WINDOW, local,
                        cross);
            } finally {
                provider.close().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aStreamOf128ByteItemsWindow64AcrossTwoNodesAndOnOne() throws Exception {
        int[] ports = ChildNode.freePorts(2);
        String secret = "stream-rate-of-two-nodes-on-loopback";
        try (ChildNode.Clustered a = ChildNode.startClustered("a", secret, ports[0], List.of("127.0.0.1:" + ports[1]));
                ChildNode.Clustered c = ChildNode.startClustered("c", secret, ports[1], List.of("127.0.0.1:" + ports[0]),
                        true)) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (a.counts().members() < 2 || c.counts().members() < 2) {
                assertThat(System.nanoTime()).as("two members within 2 minutes").isLessThan(deadline);
                Thread.sleep(100);
            }
            double local = run(c, "streams.blocks");
            double cross = run(a, "streams.blocks");
            // A second round of each, after the JIT has seen both paths.
            local = Math.max(local, run(c, "streams.blocks"));
            cross = Math.max(cross, run(a, "streams.blocks"));
            System.out.printf(Locale.ROOT, "cluster stream figures: %d items of %d bytes, window %d: one node %.0f items/s,"
                    + " across two nodes %.0f items/s%n", ITEMS, SIZE, WINDOW, local, cross);
        }
    }

    /** Items per second of one stream of {@code method} ({@code count, size}) read through a client of {@code node}. */
    private static double run(ChildNode.Clustered node, String method) throws Exception {
        try (FrameClient client = FrameClient.tcp(node.port())) {
            client.login(ChildNode.USER, NodeFixture.PASSWORD);
            awaitKnown(client, method);
            long start = System.nanoTime();
            client.send(new RpcRequest(true, 1, 0, method,
                    ("[" + ITEMS + ", " + SIZE + "]").getBytes(StandardCharsets.UTF_8)));
            StreamOpen open = client.next(f -> f instanceof StreamOpen o && o.callId() == 1);
            client.send(new StreamCredit(open.streamId(), WINDOW));
            int received = 0;
            boolean ended = false;
            while (!ended) {
                Frame f = client.next(x -> x instanceof StreamData || x instanceof StreamEnd || x instanceof StreamError
                        || x instanceof RpcError);
                assertThat(f).isInstanceOfAny(StreamData.class, StreamEnd.class);
                if (f instanceof StreamData data) {
                    assertThat(data.item()[0]).isEqualTo((byte) received);
                    received++;
                    ended = data.last();
                    if (received % (WINDOW / 2) == 0) {
                        client.send(new StreamCredit(open.streamId(), WINDOW / 2));
                    }
                } else {
                    ended = true;
                }
            }
            assertThat(received).isEqualTo(ITEMS);
            Frame answer = client.next(x -> x instanceof RpcResponse || x instanceof RpcError);
            assertThat(answer).isInstanceOf(RpcResponse.class);
            return ITEMS / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Calls {@code method} for one item until the node knows it (another node's services are announced, not instant). */
    private static void awaitKnown(FrameClient client, String method) throws Exception {
        for (int i = 0; i < 600; i++) {
            client.call(1_000_000 + i, method, "[1, 1]", 10_000);
            Frame f = client.callAnswer(1_000_000 + i);
            if (!(f instanceof RpcError e && e.code() == ErrorCode.METHOD_NOT_FOUND.code())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(method + " never became known");
    }
}
