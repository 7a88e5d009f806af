package io.aldis.itest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.SlowConsumerPolicy;
import io.aldis.protocol.api.spi.node.SessionState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every slow-consumer policy with a subscriber that stops reading (a small receive buffer and no
 * reads) while a fast subscriber on the same subject keeps receiving everything.
 */
@ExtendWith(LeakWatch.class)
class SlowConsumerTest {
    private static final int MESSAGES = 1_000;
    private static final int PAYLOAD = 16 * 1024;
    private static final int BUDGET = 64 * 1024;

    private NodeFixture node;
    private final List<FrameClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = PubSubNodes.start(PubSubSettings.defaults()
                .withBudgets(SlowConsumerPolicy.DISCONNECT, EnumSet.allOf(SlowConsumerPolicy.class), BUDGET, 1 << 20, 8 << 20));
    }

    @AfterEach
    void stop() throws Exception {
        for (FrameClient c : clients) {
            c.close();
        }
        node.close();
    }

    private FrameClient track(FrameClient c) {
        clients.add(c);
        return c;
    }

    private static String options(String policy) {
        return "{\"policy\":\"" + policy + "\",\"budgetBytes\":" + BUDGET + "}";
    }

    private static void publishAll(FrameClient pub, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            byte[] payload = new byte[PAYLOAD];
            ByteBuffer.wrap(payload).putInt(i);
            pub.write(new Publish("feed", "", Map.of(), payload));
        }
        pub.flush();
    }

    private static int seq(Deliver d) {
        return ByteBuffer.wrap(d.payload()).getInt();
    }

    /** Waits for a condition the node reaches on its own; fails after a generous deadline, never asserts on time. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private PubSubView.SubscriptionView view(String owner) {
        return node.pubsub().view().subscriptions().stream().filter(v -> v.owner().startsWith(owner)).findFirst().orElseThrow();
    }

    /** Publishes from another thread while the fast subscriber reads everything, in order. */
    private void publishWhileFastSubscriberReads(FrameClient pub, FrameClient fast) throws Exception {
        Thread publisher = new Thread(() -> {
            try {
                publishAll(pub, MESSAGES);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        publisher.start();
        for (int i = 0; i < MESSAGES; i++) {
            assertThat(seq(fast.deliver())).isEqualTo(i);
        }
        publisher.join();
    }

    private void dropPolicy(String policy) throws Exception {
        FrameClient slow = track(node.login("bob", 4096));
        FrameClient fast = track(node.login("bob"));
        FrameClient pub = track(node.login("alice"));
        slow.subscribeOk(1, "feed", "", options(policy));
        fast.subscribeOk(1, "feed");
        publishWhileFastSubscriberReads(pub, fast);
        String owner = slow.sessionId().toString();
        await("messages dropped", () -> view(owner).dropped() > 0);
        long dropped = view(owner).dropped();
        assertThat(node.pubsub().view().counters().get("dropped")).isEqualTo(dropped);

        // The slow reader now catches up: it gets every message that was not dropped, in order,
        // and one SLOW_CONSUMER error telling it that it lost some.
        int expected = (int) (MESSAGES - dropped);
        int received = 0;
        int last = -1;
        List<ErrorFrame> errors = new ArrayList<>();
        while (received < expected) {
            Frame f = slow.read();
            if (f instanceof Deliver d) {
                assertThat(seq(d)).isGreaterThan(last);
                last = seq(d);
                received++;
            } else if (f instanceof ErrorFrame e) {
                errors.add(e);
            }
        }
        assertThat(errors).isNotEmpty();
        assertThat(errors.get(0).errorCode()).isEqualTo(ErrorCode.SLOW_CONSUMER);
        assertThat(errors.get(0).requestId()).isEqualTo(1);
        if (policy.equals("drop-oldest")) {
            assertThat(last).isEqualTo(MESSAGES - 1); // the newest survive
        }
        assertThat(view(owner).pendingBytes()).isZero();
        // Still subscribed and served normally afterwards.
        pub.publish("feed", "", Map.of(), new byte[] {0, 0, 0x7f, 0});
        assertThat(seq(slow.deliver())).isEqualTo(0x7f00);
    }

    @Test
    void dropNewest() throws Exception {
        dropPolicy("drop-newest");
    }

    @Test
    void dropOldest() throws Exception {
        dropPolicy("drop-oldest");
    }

    @Test
    void disconnectClosesOnlyTheSlowSession() throws Exception {
        FrameClient slow = track(node.login("bob", 4096));
        FrameClient fast = track(node.login("bob"));
        FrameClient pub = track(node.login("alice"));
        slow.subscribeOk(1, "feed", "", options("disconnect"));
        fast.subscribeOk(1, "feed");
        publishWhileFastSubscriberReads(pub, fast);
        await("slow consumer found", () -> node.pubsub().view().counters().get("slowConsumers") == 1L);
        Close close = (Close) slow.next(FrameType.CLOSE);
        assertThat(close.code()).isEqualTo(ErrorCode.SLOW_CONSUMER.code());
        assertThat(close.message()).contains("subscription 1");
        // The publisher and the fast subscriber carry on.
        pub.publish("feed", "", Map.of(), new byte[4]);
        assertThat(seq(fast.deliver())).isZero();
        assertThat(node.pubsub().view().subscriptions()).extracting(PubSubView.SubscriptionView::owner)
                .noneMatch(o -> o.startsWith(slow.sessionId().toString()));
    }

    @Test
    void blockPausesThePublisherAndLosesNothing() throws Exception {
        FrameClient slow = track(node.login("root", 4096)); // pausing others needs the 'block' permission
        FrameClient pub = track(node.login("alice"));
        slow.subscribeOk(1, "feed", "", options("block"));
        Thread publisher = new Thread(() -> {
            try {
                publishAll(pub, MESSAGES);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        publisher.start();
        await("publisher paused", () -> node.pubsub().view().counters().get("publishersPaused") > 0);
        await("publisher session paused",
                () -> node.node().find(pub.sessionId()).map(s -> s.state() == SessionState.PAUSED).orElse(false));

        for (int i = 0; i < MESSAGES; i++) {
            assertThat(seq(slow.deliver())).isEqualTo(i);
        }
        publisher.join();
        assertThat(pub.next(FrameType.PAUSE)).isNotNull();
        assertThat(pub.next(FrameType.RESUME)).isNotNull();
        String owner = slow.sessionId().toString();
        assertThat(view(owner).dropped()).isZero();
        assertThat(node.pubsub().view().counters()).containsEntry("dropped", 0L).containsEntry("slowConsumers", 0L);
    }

    @Test
    void policiesOutsideTheOperatorsChoiceAreRefused() throws Exception {
        node.pubsub().update(node.pubsub().settings()
                .withBudgets(SlowConsumerPolicy.DROP_NEWEST, EnumSet.of(SlowConsumerPolicy.DROP_NEWEST, SlowConsumerPolicy.DISCONNECT), BUDGET, 128 * 1024, 0));
        FrameClient c = track(node.login("root")); // allowed to block: only the operator's choice refuses it
        Frame refused = c.subscribe(1, "feed", "", options("block"));
        assertThat(((ErrorFrame) refused).errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        Frame unknown = c.subscribe(2, "feed", "", "{\"policy\":\"later\"}");
        assertThat(((ErrorFrame) unknown).errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        Frame badJson = c.subscribe(3, "feed", "", "{oops");
        assertThat(((ErrorFrame) badJson).errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(((ErrorFrame) badJson).message()).isEqualTo("options are not well-formed JSON");
        // A budget over the operator's maximum is lowered to it, and the ACK says so.
        assertThat(c.subscribeOk(4, "feed", "", "{\"budgetBytes\":999999999}").json())
                .contains("\"budgetBytes\":131072").contains("drop-newest");
        assertThat(c.subscribeOk(5, "feed").json()).contains("\"policy\":\"drop-newest\"").contains("\"budgetBytes\":65536");
    }

    @Test
    void blockingOthersNeedsThePermissionWhichOnlyAdminsHaveByDefault() throws Exception {
        FrameClient bob = track(node.login("bob"));
        ErrorFrame refused = (ErrorFrame) bob.subscribe(1, "feed", "", options("block"));
        assertThat(refused.errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refused.message()).contains("block");
        assertThat(bob.subscribeOk(2, "feed", "", options("drop-oldest")).json()).contains("drop-oldest");
        FrameClient root = track(node.login("root"));
        assertThat(root.subscribeOk(1, ">", "", options("block")).json()).contains("\"policy\":\"block\"");
    }

    @Test
    void aWildcardBlockSubscriptionWithoutThePermissionIsDisconnectedInsteadOfPausingAnyone() throws Exception {
        FrameClient stuck = track(node.login("bob", 4096)); // reads nothing from now on
        FrameClient pub = track(node.login("alice"));
        // Judged subject by subject, as reading is: refused at the first publisher it would pause.
        stuck.subscribeOk(1, ">", "", options("block"));
        Thread publisher = new Thread(() -> {
            try {
                publishAll(pub, MESSAGES);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        publisher.start();
        await("slow consumer disconnected", () -> node.pubsub().view().counters().get("slowConsumers") == 1L);
        publisher.join(); // every message was read: the publisher was never paused for good
        assertThat(node.pubsub().view().counters()).containsEntry("publishersPaused", 0L);
        assertThat(stuck.closedByNode()).isTrue();
    }

    @Test
    void anOperatorDefaultOfBlockGivesUsersWithoutThePermissionDisconnectInstead() throws Exception {
        node.pubsub().update(node.pubsub().settings()
                .withBudgets(SlowConsumerPolicy.BLOCK, EnumSet.allOf(SlowConsumerPolicy.class), BUDGET, 1 << 20, 8 << 20));
        FrameClient bob = track(node.login("bob"));
        assertThat(bob.subscribeOk(1, "feed").json()).contains("\"policy\":\"disconnect\"");
        FrameClient root = track(node.login("root"));
        assertThat(root.subscribeOk(1, "feed").json()).contains("\"policy\":\"block\"");
    }

    @Test
    void aBlockingSubscriberThatHoldsPublishersTooLongIsDisconnectedAndThePublisherResumes() throws Exception {
        node.pubsub().update(node.pubsub().settings().withBlockMaxHold(300));
        FrameClient stuck = track(node.login("root", 4096)); // reads nothing from now on
        FrameClient pub = track(node.login("alice"));
        stuck.subscribeOk(1, "feed", "", options("block"));
        Thread publisher = new Thread(() -> {
            try {
                publishAll(pub, MESSAGES);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        publisher.start();
        // Far below its 8 MiB hard limit, the subscriber would hold the publisher for ever.
        await("slow consumer disconnected", () -> node.pubsub().view().counters().get("slowConsumers") == 1L);
        assertThat(pub.next(FrameType.PAUSE)).isNotNull();
        assertThat(pub.next(FrameType.RESUME)).isNotNull();
        publisher.join();
        assertThat(node.pubsub().view().counters().get("publishersPaused")).isPositive();
        assertThat(stuck.closedByNode()).isTrue();
    }
}
