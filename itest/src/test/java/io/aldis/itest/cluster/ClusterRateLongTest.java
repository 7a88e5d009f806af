package io.aldis.itest.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.Publish;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The rate of pub/sub 1→1 across two nodes (publisher on one, subscriber on the other, messages
 * carried by Hazelcast's topic of the receiving node) beside the same on one node, in the child
 * JVMs the cluster tests use. Prints one line starting {@code cluster figures:}; asserts only
 * that every message arrived.
 */
@Tag("long")
class ClusterRateLongTest {
    private static final int MESSAGES = 200_000;
    private static final int BATCH = 1_000;
    private static final int PAYLOAD = 128;

    @Test
    void pubSubOneToOneAcrossTwoNodesAndOnOne() throws Exception {
        int[] ports = ChildNode.freePorts(2);
        String secret = "rate-of-two-nodes-on-loopback";
        try (ChildNode.Clustered a = ChildNode.startClustered("a", secret, ports[0], List.of("127.0.0.1:" + ports[1]));
                ChildNode.Clustered b = ChildNode.startClustered("b", secret, ports[1], List.of("127.0.0.1:" + ports[0]))) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (a.counts().members() < 2 || b.counts().members() < 2) {
                assertThat(System.nanoTime()).as("two members within 2 minutes").isLessThan(deadline);
                Thread.sleep(100);
            }
            double local = rate(a, a, "rate.local");
            double cross = rate(a, b, "rate.cross");
            // A second round of each, after the JIT has seen both paths.
            local = Math.max(local, rate(a, a, "rate.local2"));
            cross = Math.max(cross, rate(a, b, "rate.cross2"));
            System.out.printf(Locale.ROOT, "cluster figures: pub/sub 1->1, %d messages of %d bytes: one node %.0f msg/s,"
                    + " across two nodes %.0f msg/s%n", MESSAGES, PAYLOAD, local, cross);
        }
    }

    /** Messages per second from a publisher on one node to a subscriber on another (or the same). */
    private static double rate(ChildNode.Clustered from, ChildNode.Clustered to, String subject) throws Exception {
        try (FrameClient subscriber = login(to); FrameClient publisher = login(from)) {
            subscriber.subscribeOk(1, subject);
            // Wait until the publisher's node routes the subject to the subscriber: a probe arrives.
            Deliver probe = null;
            for (int i = 0; i < 200 && probe == null; i++) {
                publisher.publish(subject, "probe");
                try {
                    probe = subscriber.waitMillis(100).deliverOn(subject);
                } catch (java.net.SocketTimeoutException notYet) {
                    // the subscription is not known there yet
                }
            }
            assertThat(probe).as("a probe crossed").isNotNull();
            subscriber.waitMillis(FrameClient.WAIT_MILLIS);
            while (true) { // drain the other probes
                try {
                    subscriber.waitMillis(500).deliverOn(subject);
                } catch (java.net.SocketTimeoutException drained) {
                    break;
                }
            }
            subscriber.waitMillis(FrameClient.WAIT_MILLIS);
            Publish message = new Publish(subject, "", Map.of(), new byte[PAYLOAD]);
            long start = System.nanoTime();
            int received = 0;
            for (int sent = 0; sent < MESSAGES; sent += BATCH) {
                for (int i = 0; i < BATCH; i++) {
                    publisher.write(message);
                }
                publisher.flush();
                // At most two batches in flight, so no subscription's budget overflows.
                while (received < sent - BATCH) {
                    subscriber.deliver();
                    received++;
                }
            }
            while (received < MESSAGES) {
                subscriber.deliver();
                received++;
            }
            return MESSAGES / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static FrameClient login(ChildNode.Clustered node) throws Exception {
        return node.login();
    }
}
