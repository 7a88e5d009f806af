package io.aldis.itest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.SlowConsumerPolicy;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fan-in under the block policy: many publishers flood one subscriber whose budget is small, so
 * the node pauses and resumes the publishers over and over. Nothing may be lost or reordered, the
 * subscriber must not be disconnected, and every publisher must end up resumed.
 */
@ExtendWith(LeakWatch.class)
class ManyPublishersTest {
    private static final int PUBLISHERS = 10;
    private static final int MESSAGES = 3_000;
    private static final int PAYLOAD = 128;
    private static final int BUDGET = 16 * 1024;
    /**
     * What the node tolerates over a blocking budget before it gives up on the subscriber: more than
     * one socket read per publisher, far less than a whole read loop per publisher.
     */
    private static final int BLOCK_OVERFLOW = 1 << 20;

    private NodeFixture node;
    private final List<FrameClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = PubSubNodes.start(PubSubSettings.defaults()
                .withBudgets(SlowConsumerPolicy.BLOCK, EnumSet.allOf(SlowConsumerPolicy.class), BUDGET, 1 << 20, BLOCK_OVERFLOW));
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

    /** Waits for a condition the node reaches on its own; fails after a generous deadline, never asserts on time. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached: " + what);
            }
            Thread.sleep(5);
        }
    }

    @RepeatedTest(3)
    void tenPublishersIntoOneBlockingSubscriberLoseNothingAndAllResume() throws Exception {
        // A small receive buffer, so the node's outbound buffer fills and the budget is felt at once.
        FrameClient sub = track(node.login("root", 4096)); // pausing others needs the 'block' permission
        sub.subscribeOk(1, "fanin", "", "{\"policy\":\"block\",\"budgetBytes\":" + BUDGET + "}");
        List<FrameClient> pubs = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            pubs.add(track(node.login("alice")));
        }

        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PUBLISHERS; p++) {
            FrameClient pub = pubs.get(p);
            int publisher = p;
            Thread t = new Thread(() -> {
                try {
                    // As fast as the socket takes them, in batches, ignoring PAUSE: the node's
                    // pushback is that it stops reading.
                    for (int i = 0; i < MESSAGES; i++) {
                        byte[] payload = new byte[PAYLOAD];
                        ByteBuffer.wrap(payload).putInt(publisher).putInt(i);
                        pub.write(new Publish("fanin", "", Map.of(), payload));
                        if (i % 64 == 63) {
                            pub.flush();
                        }
                    }
                    pub.flush();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "publisher-" + p);
            t.start();
            threads.add(t);
        }

        // The subscriber reads nothing until the node pushes back, then reads in spurts, so the
        // publishers are paused and resumed many times.
        await("publishers paused", () -> node.pubsub().view().counters().get("publishersPaused") > 0
                || node.pubsub().view().counters().get("slowConsumers") > 0);
        assertThat(node.pubsub().view().counters().get("slowConsumers")).as("subscriber disconnected as a slow consumer").isZero();
        int[] next = new int[PUBLISHERS];
        int received = 0;
        List<Frame> others = new ArrayList<>();
        while (received < PUBLISHERS * MESSAGES) {
            Frame f = sub.read();
            if (f instanceof Deliver d) {
                ByteBuffer b = ByteBuffer.wrap(d.payload());
                int publisher = b.getInt();
                int seq = b.getInt();
                assertThat(seq).as("message from publisher %d", publisher).isEqualTo(next[publisher]);
                next[publisher]++;
                if (++received % 2_000 == 0) {
                    Thread.sleep(20);
                }
            } else {
                others.add(f);
            }
        }
        for (Thread t : threads) {
            t.join(60_000);
            assertThat(t.isAlive()).as(t.getName() + " still publishing").isFalse();
        }
        assertThat(failure.get()).isNull();
        assertThat(others).noneMatch(f -> f instanceof ErrorFrame || f.type() == FrameType.CLOSE);
        for (int p = 0; p < PUBLISHERS; p++) {
            assertThat(next[p]).isEqualTo(MESSAGES);
        }

        PubSubView.SubscriptionView view = node.pubsub().view().subscriptions().stream()
                .filter(v -> v.owner().startsWith(sub.sessionId().toString())).findFirst().orElseThrow();
        assertThat(view.delivered()).isEqualTo((long) PUBLISHERS * MESSAGES);
        assertThat(view.dropped()).isZero();
        assertThat(node.pubsub().view().counters()).containsEntry("slowConsumers", 0L).containsEntry("dropped", 0L);
        // No publisher is still held or paused.
        await("no publisher held", () -> node.pubsub().view().subscriptions().stream()
                .allMatch(v -> v.pausedPublishers() == 0));
        for (FrameClient pub : pubs) {
            await("publisher session resumed", () -> node.node().find(pub.sessionId()).map(Session::state)
                    .orElse(SessionState.CLOSED) == SessionState.OPEN);
        }
        // Each publisher saw every PAUSE answered by a RESUME: a PING's PONG comes after them all.
        for (FrameClient pub : pubs) {
            pub.send(new Ping(42));
            int paused = 0;
            while (true) {
                Frame f = pub.next(x -> x.type() == FrameType.PAUSE || x.type() == FrameType.RESUME
                        || x instanceof Pong || x.type() == FrameType.CLOSE || x instanceof ErrorFrame);
                if (f instanceof Pong) {
                    break;
                }
                assertThat(f.type()).isIn(FrameType.PAUSE, FrameType.RESUME);
                paused += f.type() == FrameType.PAUSE ? 1 : -1;
                assertThat(paused).isBetween(0, 1);
            }
            assertThat(paused).as("publisher left paused").isZero();
        }
    }
}
