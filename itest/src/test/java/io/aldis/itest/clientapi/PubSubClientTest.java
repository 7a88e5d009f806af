package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ConnectionListener;
import io.aldis.client.Delivery;
import io.aldis.client.Message;
import io.aldis.client.SessionInfo;
import io.aldis.client.SlowConsumerPolicy;
import io.aldis.client.SubscribeOptions;
import io.aldis.client.Subscription;
import io.aldis.feature.pubsub.api.MessageException;
import io.aldis.feature.pubsub.api.MessageHandler;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.stats.PubSubView.SubscriptionView;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** publish, subscribe, queue groups, request/reply and typed messages through the Java client and a real node. */
@ExtendWith(LeakWatch.class)
class PubSubClientTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc()
                .pubsub(PubSubSettings.defaults())
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Delivery next(BlockingQueue<Delivery> queue) throws InterruptedException {
        Delivery d = queue.poll(10, TimeUnit.SECONDS);
        assertThat(d).as("a delivery within 10 s").isNotNull();
        return d;
    }

    private static AldisException failure(CompletableFuture<?> future) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> future.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(AldisException.class);
        return (AldisException) e.getCause();
    }

    private List<SubscriptionView> subscriptionsOf(String user) {
        return node.pubsub().view().subscriptions().stream().filter(s -> s.owner().endsWith("(" + user + ")")).toList();
    }

    @Test
    void wildcardSubscriptionsGetHeadersReplySubjectsAndOrder() throws Exception {
        AldisClient sub = node.connect(ALICE);
        AldisClient pub = node.connect(BOB);
        BlockingQueue<Delivery> star = new LinkedBlockingQueue<>();
        BlockingQueue<Delivery> rest = new LinkedBlockingQueue<>();
        Subscription one = sub.subscribe("sensors.*.temp", star::add);
        Subscription all = sub.subscribe("sensors.>", rest::add);
        one.ready().get(10, TimeUnit.SECONDS);
        all.ready().get(10, TimeUnit.SECONDS);
        assertThat(one.id()).isNotEqualTo(all.id());

        pub.publish("sensors.kitchen.temp", utf8("21.5"), "answers.here", orderedHeaders()).join();
        for (int i = 0; i < 20; i++) {
            pub.publish("sensors.hall.humidity", utf8("h" + i));
        }
        Delivery d = next(star);
        assertThat(d.subject()).isEqualTo("sensors.kitchen.temp");
        assertThat(d.text()).isEqualTo("21.5");
        assertThat(d.replyTo()).isEqualTo("answers.here");
        assertThat(d.headers()).containsExactly(Map.entry("unit", "C"), Map.entry("src", "k1"));
        assertThat(d.subscriptionId()).isEqualTo(one.id());

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            seen.add(next(rest).text());
        }
        assertThat(seen.get(0)).isEqualTo("21.5");
        assertThat(seen.subList(1, 21)).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 20).mapToObj(i -> "h" + i).toList());
        assertThat(star).isEmpty();

        // After UNSUBSCRIBE was acknowledged nothing more arrives for it; the other one still gets messages.
        one.unsubscribe().get(10, TimeUnit.SECONDS);
        assertThat(one.active()).isFalse();
        pub.publish("sensors.cellar.temp", utf8("12")).join();
        assertThat(next(rest).text()).isEqualTo("12");
        assertThat(star).isEmpty();
        assertThat(subscriptionsOf(ALICE)).extracting(SubscriptionView::pattern).containsExactly("sensors.>");
    }

    @Test
    void aQueueGroupGivesEachMessageToOneMember() throws Exception {
        AldisClient a = node.connect(ALICE);
        AldisClient b = node.connect(BOB);
        AldisClient pub = node.connect(BOB);
        BlockingQueue<Delivery> all = new LinkedBlockingQueue<>();
        a.subscribe("jobs.new", "workers", all::add).ready().get(10, TimeUnit.SECONDS);
        b.subscribe("jobs.new", "workers", all::add).ready().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 40; i++) {
            pub.publish("jobs.new", utf8("job-" + i));
        }
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            jobs.add(next(all).text());
        }
        assertThat(jobs).doesNotHaveDuplicates().hasSize(40);
        assertThat(all.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(subscriptionsOf(ALICE)).extracting(SubscriptionView::queueGroup).containsExactly("workers");
    }

    @Test
    void optionsReachTheNodeAndRefusalsFailReady() throws Exception {
        AldisClient c = node.connect(ALICE);
        Subscription s = c.subscribe("metrics.>", SubscribeOptions.defaults().withPolicy(SlowConsumerPolicy.DROP_OLDEST)
                .withBudgetBytes(64 * 1024), d -> { });
        s.ready().get(10, TimeUnit.SECONDS);
        SubscriptionView view = subscriptionsOf(ALICE).get(0);
        assertThat(view.policy()).isEqualTo("drop-oldest");
        assertThat(view.budgetBytes()).isEqualTo(64 * 1024);

        Subscription bad = c.subscribe("a..b", d -> { });
        assertThat(failure(bad.ready()).code()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        assertThat(bad.active()).isFalse();
        Subscription sys = c.subscribe("$sys.>", d -> { });
        assertThat(failure(sys.ready()).code()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(subscriptionsOf(ALICE)).hasSize(1);
    }

    @Test
    void requestReplyThroughAnInbox() throws Exception {
        AldisClient responder = node.connect(BOB);
        AldisClient requester = node.connect(ALICE);
        responder.subscribe("time.now", d -> responder.publish(d.replyTo(), utf8("noon for " + d.text())))
                .ready().get(10, TimeUnit.SECONDS);
        Semaphore silentGot = new Semaphore(0);
        responder.subscribe("time.silent", d -> silentGot.release()).ready().get(10, TimeUnit.SECONDS);

        Delivery answer = requester.requestReply("time.now", utf8("ann"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        assertThat(answer.text()).isEqualTo("noon for ann");
        assertThat(answer.subject()).startsWith("_inbox.");
        Delivery second = requester.requestReply("time.now", utf8("bo"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        assertThat(second.text()).isEqualTo("noon for bo");
        assertThat(second.subject()).isNotEqualTo(answer.subject());

        assertThat(failure(requester.requestReply("time.nobody", utf8("?"), Duration.ofSeconds(10))).code())
                .isEqualTo(ErrorCode.NO_RESPONDERS);
        assertThat(failure(requester.requestReply("time.silent", utf8("?"), Duration.ofMillis(200))).code())
                .isEqualTo(ErrorCode.REQUEST_TIMEOUT);
        assertThat(silentGot.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        // One inbox subscription serves every request.
        assertThat(subscriptionsOf(ALICE)).hasSize(1);
    }

    @Test
    void typedMessagesGetTheirReplyOrError() throws Exception {
        MessageHandler upper = (context, payload) -> {
            String text = new String(payload, StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                throw new MessageException(ErrorCode.INVALID_PARAMS, "empty");
            }
            return CompletableFuture.completedFuture(utf8(text.toUpperCase(java.util.Locale.ROOT)));
        };
        node.pubsub().messages().add(upper, Map.of(MessageHandler.TYPE, "text.upper", "service.id", 1L));
        AldisClient c = node.connect(ALICE);

        Message reply = c.send("text.upper", utf8("quiet")).get(10, TimeUnit.SECONDS);
        assertThat(reply.text()).isEqualTo("QUIET");
        assertThat(reply.type()).isEqualTo("text.upper");
        List<CompletableFuture<Message>> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(c.send("text.upper", utf8("m" + i)));
        }
        for (int i = 0; i < 20; i++) {
            assertThat(many.get(i).get(10, TimeUnit.SECONDS).text()).isEqualTo("M" + i);
        }
        assertThat(failure(c.send("text.upper", new byte[0])).code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(failure(c.send("text.lower", utf8("x"))).code()).isEqualTo(ErrorCode.NO_HANDLER);
    }

    @Test
    void subscriptionsComeBackOnceAfterAReconnect() throws Exception {
        BlockingQueue<SessionInfo> reconnects = new LinkedBlockingQueue<>();
        AldisClient sub = node.connect(node.clientBuilder(ALICE).listener(new ConnectionListener() {
            @Override
            public void reconnected(SessionInfo session) {
                reconnects.add(session);
            }
        }));
        AldisClient pub = node.connect(BOB);
        BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
        Subscription plain = sub.subscribe("orders.>", got::add);
        Subscription grouped = sub.subscribe("orders.paid", "billing", got::add);
        plain.ready().get(10, TimeUnit.SECONDS);
        grouped.ready().get(10, TimeUnit.SECONDS);

        node.kill(sub);
        SessionInfo again = reconnects.poll(10, TimeUnit.SECONDS);
        assertThat(again).isNotNull();
        // Wait until the node holds both subscriptions of the new session again.
        for (int i = 0; i < 200 && subscriptionsOf(ALICE).size() < 2; i++) {
            Thread.sleep(25);
        }
        List<SubscriptionView> views = subscriptionsOf(ALICE);
        assertThat(views).extracting(SubscriptionView::id).containsExactlyInAnyOrder(plain.id(), grouped.id());
        assertThat(views).allSatisfy(v -> assertThat(v.owner()).contains(again.sessionId().toString()));

        pub.publish("orders.paid", utf8("p1")).join();
        pub.publish("orders.new", utf8("n1")).join();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            texts.add(next(got).text());
        }
        assertThat(texts).containsExactlyInAnyOrder("p1", "p1", "n1");
        assertThat(got.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(plain.active()).isTrue();
    }

    /** Headers keep their order on the wire, so the test sends a map with a defined order. */
    private static Map<String, String> orderedHeaders() {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("unit", "C");
        headers.put("src", "k1");
        return headers;
    }
}
