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
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cost of one hop for RPC: calls of an OSGi service exported on node c, 32 in flight, from a
 * client of node a (each call crosses to c and its answer back, on Hazelcast's topics) beside the
 * same calls from a client of c itself, in the child JVMs the cluster tests use. Prints one line
 * starting {@code cluster rpc figures:}; asserts only that every call was answered with its result.
 */
@Tag("long")
class ClusterRpcRateLongTest {
    private static final int CALLS = 100_000;
    private static final int IN_FLIGHT = 32;
    private static final byte[] PARAMS = "[\"ping\"]".getBytes(StandardCharsets.UTF_8);

    @Test
    void rpcAt32InFlightAcrossTwoNodesAndOnOne() throws Exception {
        int[] ports = ChildNode.freePorts(2);
        String secret = "rpc-rate-of-two-nodes-on-loopback";
        try (ChildNode.Clustered a = ChildNode.startClustered("a", secret, ports[0], List.of("127.0.0.1:" + ports[1]));
                ChildNode.Clustered c = ChildNode.startClustered("c", secret, ports[1], List.of("127.0.0.1:" + ports[0]),
                        true)) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (a.counts().members() < 2 || c.counts().members() < 2) {
                assertThat(System.nanoTime()).as("two members within 2 minutes").isLessThan(deadline);
                Thread.sleep(100);
            }
            Figures local = run(c);
            Figures cross = run(a);
            // A second round of each, after the JIT has seen both paths.
            local = local.better(run(c));
            cross = cross.better(run(a));
            System.out.printf(Locale.ROOT, "cluster rpc figures: %d calls, %d in flight: one node %.0f calls/s"
                    + " (p50 %.0f us, p99 %.0f us), across two nodes %.0f calls/s (p50 %.0f us, p99 %.0f us)%n", CALLS,
                    IN_FLIGHT, local.rate, local.p50Micros, local.p99Micros, cross.rate, cross.p50Micros,
                    cross.p99Micros);
        }
    }

    /** Calls per second and latency percentiles of one run. */
    private record Figures(double rate, double p50Micros, double p99Micros) {
        Figures better(Figures other) {
            return other.rate > rate ? other : this;
        }
    }

    /** {@value #CALLS} calls of {@code gate.quick} through a client of {@code node}, {@value #IN_FLIGHT} in flight. */
    private static Figures run(ChildNode.Clustered node) throws Exception {
        try (FrameClient client = FrameClient.tcp(node.port())) {
            client.login(ChildNode.USER, NodeFixture.PASSWORD);
            awaitKnown(client);
            long[] sentAt = new long[CALLS];
            long[] latency = new long[CALLS];
            long start = System.nanoTime();
            int sent = 0;
            for (; sent < IN_FLIGHT; sent++) {
                sentAt[sent] = System.nanoTime();
                client.write(new RpcRequest(sent, 30_000, "gate.quick", PARAMS));
            }
            client.flush();
            for (int answered = 0; answered < CALLS; answered++) {
                Frame f = client.next(x -> x instanceof RpcResponse || x instanceof RpcError);
                assertThat(f).as("answer %d", answered).isInstanceOf(RpcResponse.class);
                int id = (int) ((RpcResponse) f).callId();
                latency[answered] = System.nanoTime() - sentAt[id];
                if (sent < CALLS) {
                    sentAt[sent] = System.nanoTime();
                    client.write(new RpcRequest(sent, 30_000, "gate.quick", PARAMS));
                    client.flush();
                    sent++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latency);
            return new Figures(CALLS / seconds, latency[CALLS / 2] / 1e3, latency[CALLS * 99 / 100] / 1e3);
        }
    }

    /** Calls until the node knows the gate (another node's services are announced, not instant). */
    private static void awaitKnown(FrameClient client) throws Exception {
        for (int i = 0; i < 600; i++) {
            client.call(1_000_000 + i, "gate.quick", "[\"probe\"]", 10_000);
            Frame f = client.callAnswer(1_000_000 + i);
            if (!(f instanceof RpcError e && e.code() == ErrorCode.METHOD_NOT_FOUND.code())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("gate.quick never became known");
    }
}
