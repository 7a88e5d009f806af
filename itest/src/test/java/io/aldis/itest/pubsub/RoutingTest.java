package io.aldis.itest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SUBSCRIBE / UNSUBSCRIBE / PUBLISH / DELIVER between real sockets: wildcards, validation, order, fan-out, queue groups, replies. */
@ExtendWith(LeakWatch.class)
class RoutingTest {
    private NodeFixture node;
    private final List<FrameClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = PubSubNodes.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (FrameClient c : clients) {
            c.close();
        }
        node.close();
    }

    private FrameClient login(String user) throws Exception {
        FrameClient c = node.login(user);
        clients.add(c);
        return c;
    }

    @Test
    void wildcardsMatchOneTokenOrTheRest() throws Exception {
        FrameClient pub = login("alice");
        FrameClient sub = login("bob");
        sub.subscribeOk(1, "orders.*.created");
        sub.subscribeOk(2, "orders.>");
        sub.subscribeOk(3, "orders.eu.created");
        sub.subscribeOk(4, "*.eu");
        sub.subscribeOk(5, "orders.*");
        sub.subscribeOk(9, "end");

        pub.publish("orders.eu.created", "a");
        pub.publish("orders", "b"); // '>' needs at least one more token; '*' none
        pub.publish("orders.eu", "c");
        pub.publish("orders.eu.created.late", "d");
        pub.publish("end", "");

        // Order holds per subscription, not across a session's subscriptions: collect all 7 + end.
        Map<String, Set<Long>> got = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            Deliver d = sub.deliver();
            got.computeIfAbsent(d.subject().equals("end") ? "end" : FrameClient.text(d), k -> new TreeSet<>())
                    .add(d.subscriptionId());
        }
        assertThat(got.remove("end")).containsExactly(9L);
        assertThat(got).containsOnlyKeys("a", "c", "d");
        assertThat(got.get("a")).containsExactly(1L, 2L, 3L);
        assertThat(got.get("c")).containsExactly(2L, 4L, 5L);
        assertThat(got.get("d")).containsExactly(2L);
    }

    @Test
    void invalidSubjectsAreRefusedWithTheRequestId() throws Exception {
        FrameClient c = login("alice");
        for (String bad : List.of("a..b", ".a", "a.", "a.>.b", "a*", "a.b*.c", ">x", "a b", "")) {
            Frame answer = c.subscribe(7, bad, "", "");
            assertThat(answer).as(bad).isInstanceOf(ErrorFrame.class);
            assertThat(((ErrorFrame) answer).errorCode()).as(bad).isEqualTo(ErrorCode.INVALID_SUBJECT);
        }
        Frame tooDeep = c.subscribe(8, "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q", "", "");
        assertThat(((ErrorFrame) tooDeep).errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        assertThat(((ErrorFrame) c.subscribe(9, "x".repeat(300), "", "")).errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        assertThat(((ErrorFrame) c.subscribe(10, "ok", "bad group", "")).errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);

        c.publish("a.*", "wild");
        ErrorFrame e = c.error();
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        assertThat(e.requestId()).isZero();
        assertThat(e.details()).contains("\"subject\":\"a.*\"");
        c.publish("a..b", "empty token");
        assertThat(c.error().errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        // The session is still usable.
        assertThat(c.subscribeOk(11, "fine.>")).isNotNull();
    }

    @Test
    void unsubscribeStopsDeliveryAndReSubscribingAnIdReplacesIt() throws Exception {
        FrameClient pub = login("alice");
        FrameClient sub = login("bob");
        sub.subscribeOk(1, "news.>");
        sub.subscribeOk(2, "mark");
        pub.publish("news.a", "1");
        assertThat(FrameClient.text(sub.deliverOn("news.a"))).isEqualTo("1");

        assertThat(sub.unsubscribe(1)).isInstanceOf(Ack.class);
        pub.publish("news.a", "2");
        pub.publish("mark", "m1");
        assertThat(sub.deliver().subject()).isEqualTo("mark");

        // The same id twice: the second replaces the first, so nothing arrives twice.
        sub.subscribeOk(3, "news.a");
        sub.subscribeOk(3, "news.a");
        pub.publish("news.a", "3");
        pub.publish("mark", "m2");
        assertThat(List.of(FrameClient.text(sub.deliver()), FrameClient.text(sub.deliver()))).containsExactlyInAnyOrder("3", "m2");
        assertThat(node.pubsub().view().subscriptions()).hasSize(2);

        // Unknown ids are acknowledged too (idempotent).
        assertThat(sub.unsubscribe(99)).isInstanceOf(Ack.class);
    }

    @Test
    void orderIsKeptPerPublisherPerSubscriber() throws Exception {
        FrameClient a = login("alice");
        FrameClient b = login("alice");
        FrameClient sub = login("bob");
        sub.subscribeOk(1, "seq.*");
        int n = 2_000;
        Thread other = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    b.write(new Publish("seq.b", "", Map.of(), Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
                }
                b.flush();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        other.start();
        for (int i = 0; i < n; i++) {
            a.write(new Publish("seq.a", "", Map.of(), Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        }
        a.flush();
        other.join();
        Map<String, Integer> next = new HashMap<>(Map.of("seq.a", 0, "seq.b", 0));
        for (int i = 0; i < 2 * n; i++) {
            Deliver d = sub.deliver();
            int expected = next.get(d.subject());
            assertThat(Integer.parseInt(FrameClient.text(d))).as(d.subject()).isEqualTo(expected);
            next.put(d.subject(), expected + 1);
        }
        assertThat(next).containsEntry("seq.a", n).containsEntry("seq.b", n);
    }

    @Test
    void fanOutToFiftySubscribers() throws Exception {
        List<FrameClient> subs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            FrameClient s = login(i % 2 == 0 ? "alice" : "bob");
            s.subscribeOk(100 + i, i % 3 == 0 ? "fan.>" : "fan.out");
            subs.add(s);
        }
        FrameClient pub = login("root");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("trace", "t-1");
        pub.publish("fan.out", "inbox.x", headers, "hello".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 50; i++) {
            Deliver d = subs.get(i).deliver();
            assertThat(d.subscriptionId()).isEqualTo(100 + i);
            assertThat(d.subject()).isEqualTo("fan.out");
            assertThat(d.replyTo()).isEqualTo("inbox.x");
            assertThat(d.headers()).containsExactly(Map.entry("trace", "t-1"));
            assertThat(FrameClient.text(d)).isEqualTo("hello");
        }
    }

    @Test
    void eachMessageGoesToOneMemberOfAQueueGroup() throws Exception {
        FrameClient pub = login("alice");
        FrameClient plain = login("bob");
        plain.subscribeOk(1, "jobs.>");
        List<FrameClient> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FrameClient w = login("bob");
            w.subscribeOk(1, "jobs.run", "workers", "");
            workers.add(w);
        }
        int n = 30;
        for (int i = 0; i < n; i++) {
            pub.publish("jobs.run", Integer.toString(i));
        }
        pub.publish("jobs.done", "");
        // The plain subscriber sees everything, in order; the group members share the same messages.
        for (int i = 0; i < n; i++) {
            assertThat(FrameClient.text(plain.deliver())).isEqualTo(Integer.toString(i));
        }
        assertThat(plain.deliver().subject()).isEqualTo("jobs.done");
        // Every message was handed to exactly one member; wait until all are written out.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (groupDelivered() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(groupDelivered()).isEqualTo(n);
        Set<String> seen = new TreeSet<>();
        int total = 0;
        for (FrameClient w : workers) {
            String owner = w.sessionId().toString();
            long mine = node.pubsub().view().subscriptions().stream().filter(v -> v.owner().startsWith(owner))
                    .mapToLong(io.aldis.feature.pubsub.internal.stats.PubSubView.SubscriptionView::delivered).sum();
            assertThat(mine).isPositive();
            for (int i = 0; i < mine; i++) {
                assertThat(seen.add(FrameClient.text(w.deliver()))).isTrue();
            }
            total += (int) mine;
        }
        assertThat(total).isEqualTo(n);
        assertThat(seen).hasSize(n);
    }

    private long groupDelivered() {
        return node.pubsub().view().subscriptions().stream().filter(v -> v.queueGroup().equals("workers"))
                .mapToLong(io.aldis.feature.pubsub.internal.stats.PubSubView.SubscriptionView::delivered).sum();
    }

    @Test
    void repliesTravelThroughTheReplySubject() throws Exception {
        FrameClient requester = login("alice");
        FrameClient responder = login("bob");
        responder.subscribeOk(1, "svc.echo", "echoers", "");
        requester.subscribeOk(5, "inbox.alice.1");
        requester.publish("svc.echo", "inbox.alice.1", Map.of(), "ping".getBytes(StandardCharsets.UTF_8));
        Deliver request = responder.deliver();
        assertThat(request.replyTo()).isEqualTo("inbox.alice.1");
        responder.publish(request.replyTo(), "", Map.of(), ("re:" + FrameClient.text(request)).getBytes(StandardCharsets.UTF_8));
        Deliver reply = requester.deliver();
        assertThat(reply.subscriptionId()).isEqualTo(5);
        assertThat(FrameClient.text(reply)).isEqualTo("re:ping");

        // Nobody listening: a request gets NO_RESPONDERS at once instead of waiting for a timeout.
        requester.publish("svc.nobody", "inbox.alice.2", Map.of(), new byte[0]);
        ErrorFrame none = requester.error();
        assertThat(none.errorCode()).isEqualTo(ErrorCode.NO_RESPONDERS);
        assertThat(none.details()).contains("inbox.alice.2");
        // A wildcard reply subject is refused.
        requester.publish("svc.echo", "inbox.*", Map.of(), new byte[0]);
        assertThat(requester.error().errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
    }

    @Test
    void subscriptionsEndWithTheirSession() throws Exception {
        FrameClient sub = login("bob");
        sub.subscribeOk(1, "gone.>");
        sub.subscribeOk(2, "gone.x");
        assertThat(node.pubsub().view().counters()).containsEntry("subscriptions", 2L);
        sub.close();
        FrameClient pub = login("alice");
        pub.subscribeOk(1, "probe");
        // Wait until the node has seen the close (no sleeps: poll the engine's view).
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (node.pubsub().view().counters().get("subscriptions") != 1L && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(node.pubsub().view().counters()).containsEntry("subscriptions", 1L);
        pub.publish("gone.x", "", Map.of(), new byte[0]);
        pub.publish("probe", "ok");
        assertThat(pub.deliver().subject()).isEqualTo("probe");
    }

    @Test
    void capabilitiesAreAnnounced() throws Exception {
        try (FrameClient c = node.raw()) {
            c.send(new io.aldis.protocol.api.Connect(io.aldis.protocol.api.ProtocolVersion.V1, 0, java.util.UUID.randomUUID(), "", "t"));
            io.aldis.protocol.api.ConnectAck ack = (io.aldis.protocol.api.ConnectAck) c.next(FrameType.CONNECT_ACK);
            assertThat(io.aldis.protocol.api.Capability.fromMask(ack.capabilities()))
                    .contains(io.aldis.protocol.api.Capability.PUBSUB, io.aldis.protocol.api.Capability.MESSAGES);
        }
    }
}
