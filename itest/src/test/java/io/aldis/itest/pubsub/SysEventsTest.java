package io.aldis.itest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.api.MessageHandler;
import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.feature.pubsub.internal.stats.PubSubStats;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** $sys events, the in-node PubSub service and the JMX counters. */
@ExtendWith(LeakWatch.class)
class SysEventsTest {
    private NodeFixture node;
    private FrameClient root;

    @BeforeEach
    void start() throws Exception {
        node = PubSubNodes.start();
        root = node.login("root");
        root.subscribeOk(1, "$sys.>");
    }

    @AfterEach
    void stop() throws Exception {
        root.close();
        node.close();
    }

    /** The next event on a $sys subject whose JSON mentions the given text. */
    private String event(String subject, String mentioning) throws Exception {
        Deliver d = (Deliver) root.next(f -> f instanceof Deliver d2 && d2.subject().equals(subject)
                && FrameClient.text(d2).contains(mentioning));
        return FrameClient.text(d);
    }

    @Test
    void sessionSubscriptionErrorAndHandlerEvents() throws Exception {
        FrameClient alice = node.login("alice");
        String opened = event("$sys.session.opened", "\"user\":\"alice\"");
        assertThat(opened).contains(alice.sessionId().toString()).contains("\"transport\":\"tcp\"");

        alice.subscribeOk(7, "orders.*");
        assertThat(event("$sys.subscription.created", "orders.*")).contains("\"subscriptionId\":7").contains("alice");
        alice.unsubscribe(7);
        assertThat(event("$sys.subscription.removed", "orders.*")).contains("alice");

        alice.publish("bad..subject", "x");
        assertThat(alice.error().errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        assertThat(event("$sys.error", "INVALID_SUBJECT")).contains("alice").contains("\"code\":-301");

        MessageHandler h = (ctx, p) -> CompletableFuture.completedFuture(p);
        node.pubsub().messages().add(h, Map.of(MessageHandler.TYPE, "billing.charge"));
        assertThat(event("$sys.handler.added", "billing.charge")).isNotEmpty();
        node.pubsub().messages().remove(h);
        assertThat(event("$sys.handler.removed", "billing.charge")).isNotEmpty();

        // Reading $sys needs a permission: a user's '>' never sees them, and '$sys.>' is refused.
        assertThat(((ErrorFrame) alice.subscribe(8, "$sys.>", "", "")).errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        alice.subscribeOk(9, ">");
        alice.publish("mark", "m");
        assertThat(alice.deliver().subject()).isEqualTo("mark");

        alice.close();
        assertThat(event("$sys.session.closed", alice.sessionId().toString())).contains("alice");
    }

    @Test
    void pubSubServiceAndMBean() throws Exception {
        BlockingQueue<PublishedMessage> got = new ArrayBlockingQueue<>(10);
        PubSub.Subscription local = node.pubsub().subscribe("inside.>", "", got::add);
        FrameClient alice = node.login("alice");
        alice.subscribeOk(1, "outside");
        alice.publish("inside.x", "from a client");
        PublishedMessage m = got.poll(10, TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("from a client");
        assertThat(node.pubsub().publish("outside", "", Map.of("k", "v"), "from the node".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(1);
        Deliver d = alice.deliverOn("outside");
        assertThat(FrameClient.text(d)).isEqualTo("from the node");
        assertThat(d.headers()).containsEntry("k", "v");
        local.close();
        assertThat(node.pubsub().publish("inside.x", "", Map.of(), new byte[0])).isZero();

        PubSubStats stats = new PubSubStats(node.pubsub().view());
        stats.register();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(PubSubStats.OBJECT_NAME);
            assertThat((Long) server.getAttribute(name, "Published")).isEqualTo(node.pubsub().view().counters().get("published"));
            assertThat((Long) server.getAttribute(name, "Subscriptions")).isEqualTo(2L);
            String[] subs = (String[]) server.invoke(name, "listSubscriptions", null, null);
            assertThat(subs).anyMatch(line -> line.contains("outside"));
            String[] topics = (String[]) server.invoke(name, "listTopics", null, null);
            assertThat(topics).anyMatch(line -> line.startsWith("inside.x "));
        } finally {
            stats.unregister();
        }
        alice.close();
    }
}
