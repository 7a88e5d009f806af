package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One session subscribing in a flood: past its limit every SUBSCRIBE is refused with
 * SUBSCRIPTION_LIMIT, churn of SUBSCRIBE and UNSUBSCRIBE leaves nothing behind, and at scale
 * (tag {@code hostile}) a single connection holds 100 000 subscriptions and is still routed to
 * exactly. The bystander is served throughout.
 */
@ExtendWith(LeakWatch.class)
class SubscribeFloodTest {
    private NodeFixture node;

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private void start(int maxSubscriptions) throws Exception {
        node = NodeFixture.builder().user("mallory", "user").user("bob", "user")
                .pubsub(PubSubSettings.defaults().withLimits(maxSubscriptions, 1 << 20)).start();
    }

    @Test
    void subscribesPastTheSessionsLimitAreRefusedWithSubscriptionLimit() throws Exception {
        int limit = 100;
        int flood = 5_000;
        start(limit);
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            bystander.during(20, () -> subscribeAll(mallory, flood, "flood."));
            int acked = 0;
            for (int id = 1; id <= flood; id++) {
                Frame answer = mallory.answerTo(id);
                if (answer instanceof Ack) {
                    acked++;
                } else {
                    ErrorFrame refused = (ErrorFrame) answer;
                    assertThat(refused.errorCode()).isEqualTo(ErrorCode.SUBSCRIPTION_LIMIT);
                    assertThat(refused.details()).contains("\"maxSubscriptions\":" + limit);
                }
            }
            assertThat(acked).isEqualTo(limit);
            // The subscriptions that were taken work; the refused ones never were.
            mallory.publish("flood.1", "first");
            assertThat(FrameClient.text(mallory.deliverOn("flood.1"))).isEqualTo("first");
            mallory.publish("flood." + flood, "last");
            mallory.expectSilence(200);
            bystander.rounds(5);
        }
    }

    @Test
    void subscribeAndUnsubscribeChurnLeavesNothingBehind() throws Exception {
        start(100);
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            int rounds = 5_000;
            bystander.during(20, () -> {
                for (int i = 1; i <= rounds; i++) {
                    mallory.write(new Subscribe(i, "churn." + i, "", ""));
                    mallory.write(new Unsubscribe(i));
                }
                mallory.flush();
            });
            for (int i = 1; i <= rounds; i++) {
                assertThat(mallory.answerTo(i)).isInstanceOf(Ack.class); // SUBSCRIBE
                assertThat(mallory.answerTo(i)).isInstanceOf(Ack.class); // UNSUBSCRIBE
            }
            // None is left, so the whole limit is still free.
            subscribeAll(mallory, 100, "after.");
            for (int id = 1; id <= 100; id++) {
                assertThat(mallory.answerTo(id)).isInstanceOf(Ack.class);
            }
            bystander.rounds(5);
        }
    }

    @Test
    @Tag("hostile")
    void aHundredThousandSubscriptionsOnOneConnection() throws Exception {
        int count = 100_000;
        start(count);
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = node.login("mallory")) {
            bystander.rounds(200);
            bystander.resetTimes();
            bystander.rounds(2_000);
            double aloneP50 = bystander.percentileMicros(50);
            double aloneP99 = bystander.percentileMicros(99);
            long heapBefore = usedHeapAfterGc();
            bystander.resetTimes();
            bystander.during(2_000, () -> subscribeAll(mallory, count, "many."));
            double floodP50 = bystander.percentileMicros(50);
            double floodP99 = bystander.percentileMicros(99);
            for (int id = 1; id <= count; id++) {
                assertThat(mallory.answerTo(id)).as("subscription %d", id).isInstanceOf(Ack.class);
                if (id % 1_000 == 0) {
                    bystander.round(); // and so it is never idle long enough for the heartbeat to end it
                }
            }
            long heapAfter = usedHeapAfterGc();
            ErrorFrame refused = (ErrorFrame) mallory.subscribe(count + 1, "one.more", "", "");
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.SUBSCRIPTION_LIMIT);
            mallory.publish("many.77777", "routed");
            assertThat(FrameClient.text(mallory.deliverOn("many.77777"))).isEqualTo("routed");
            mallory.expectSilence(200);
            bystander.rounds(20);
            System.out.printf("hostile figures: 100000 subscriptions on one connection: %.0f bytes of heap each;"
                    + " bystander round trip p50/p99 alone %.0f/%.0f us, during the subscribe flood %.0f/%.0f us"
                    + " (p99 ratio %.2f)%n", (heapAfter - heapBefore) / (double) count, aloneP50, aloneP99, floodP50,
                    floodP99, floodP99 / aloneP99);
        }
    }

    /** SUBSCRIBEs with ids 1..n to {@code prefix}1..{@code prefix}n, pipelined. */
    private static void subscribeAll(FrameClient c, int n, String prefix) throws java.io.IOException {
        for (int id = 1; id <= n; id++) {
            c.write(new Subscribe(id, prefix + id, "", ""));
        }
        c.flush();
    }

    static long usedHeapAfterGc() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }
}
