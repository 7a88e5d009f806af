package io.aldis.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cost of one hop for a stream: a node→client stream of 128-byte items from an OSGi service
 * exported on node c, window 64 items (the client grants half the window each time it consumed
 * half), read by a client of node a (each item and each grant crosses between the nodes on
 * Hazelcast's topics) beside the same stream read by a client of c itself, in the child JVMs the
 * cluster tests use. Prints one line starting {@code cluster stream figures:}; asserts only that
 * every item came, in order, and the call's answer after them.
 */
@Tag("long")
class ClusterStreamRateLongTest {
    private static final int ITEMS = 200_000;
    private static final int SIZE = 128;
    private static final int WINDOW = 64;

    @Test
    void aStreamOf128ByteItemsWindow64AcrossTwoNodesAndOnOne() throws Exception {
        int[] ports = new int[2];
        try (ServerSocket s1 = new ServerSocket(0); ServerSocket s2 = new ServerSocket(0)) {
            ports[0] = s1.getLocalPort();
            ports[1] = s2.getLocalPort();
        }
        String secret = "stream-rate-of-two-nodes-on-loopback";
        try (ChildNode.Clustered a = ChildNode.startClustered("a", secret, ports[0], List.of("127.0.0.1:" + ports[1]));
                ChildNode.Clustered c = ChildNode.startClustered("c", secret, ports[1], List.of("127.0.0.1:" + ports[0]),
                        true)) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (a.counts().members() < 2 || c.counts().members() < 2) {
                assertThat(System.nanoTime()).as("two members within 2 minutes").isLessThan(deadline);
                Thread.sleep(100);
            }
            double local = run(c);
            double cross = run(a);
            // A second round of each, after the JIT has seen both paths.
            local = Math.max(local, run(c));
            cross = Math.max(cross, run(a));
            System.out.printf(Locale.ROOT, "cluster stream figures: %d items of %d bytes, window %d: one node %.0f items/s,"
                    + " across two nodes %.0f items/s%n", ITEMS, SIZE, WINDOW, local, cross);
        }
    }

    /** Items per second of one stream of {@code streams.blocks} read through a client of {@code node}. */
    private static double run(ChildNode.Clustered node) throws Exception {
        try (FrameClient client = FrameClient.tcp(node.port())) {
            client.login(ChildNode.USER, NodeFixture.PASSWORD);
            awaitKnown(client);
            long start = System.nanoTime();
            client.send(new RpcRequest(true, 1, 0, "streams.blocks",
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

    /** Calls until the node knows the streams service (another node's services are announced, not instant). */
    private static void awaitKnown(FrameClient client) throws Exception {
        for (int i = 0; i < 600; i++) {
            client.call(1_000_000 + i, "streams.count", "[1]", 10_000);
            Frame f = client.callAnswer(1_000_000 + i);
            if (!(f instanceof RpcError e && e.code() == ErrorCode.METHOD_NOT_FOUND.code())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("streams.count never became known");
    }
}
