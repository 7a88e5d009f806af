package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.api.PublishedMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final RoutingParts parts = new RoutingParts();

    private static Delivery message(String subject) {
        return new Delivery(subject, "", Map.of(), new byte[] {1, 2, 3});
    }

    @Test
    void everyMatchingSubscriptionGetsTheMessageAndOneMemberOfEachQueueGroupInTurn() {
        List<String> got = new CopyOnWriteArrayList<>();
        parts.table.addLocal("orders.*", "", m -> got.add("plain"), "t");
        parts.table.addLocal("orders.>", "", m -> got.add("all"), "t");
        parts.table.addLocal("orders.new", "workers", m -> got.add("w1"), "t");
        parts.table.addLocal("orders.new", "workers", m -> got.add("w2"), "t");
        parts.table.addLocal("other", "", m -> got.add("other"), "t");

        assertThat(parts.router.route(message("orders.new"), null)).isEqualTo(3);
        assertThat(parts.router.route(message("orders.new"), null)).isEqualTo(3);
        assertThat(got).filteredOn(s -> s.startsWith("w")).containsExactlyInAnyOrder("w1", "w2");
        assertThat(got).filteredOn("plain"::equals).hasSize(2);
        assertThat(got).doesNotContain("other");
    }

    @Test
    void aMemberThatCannotTakeTheMessageLeavesItToTheNextOfItsGroup() {
        List<PublishedMessage> got = new CopyOnWriteArrayList<>();
        LocalSubscription closed = parts.table.addLocal("q", "g", m -> { }, "t");
        parts.table.addLocal("q", "g", got::add, "t");
        closed.closed = true; // still in the trie, but no longer taking messages
        for (int i = 0; i < 4; i++) {
            assertThat(parts.router.route(message("q"), null)).isEqualTo(1);
        }
        assertThat(got).hasSize(4);
    }

    @Test
    void messagesAreCountedOnTheirSubjectButTheNodesEventsAreNot() {
        parts.router.route(message("a"), null);
        parts.router.routeEvent(message("$sys.x"));
        assertThat(parts.topics.topic("a").messages()).isEqualTo(1);
        assertThat(parts.topics.all()).hasSize(1);
        assertThat(parts.counters.published.sum()).isEqualTo(2);
        assertThat(parts.counters.publishedBytes.sum()).isEqualTo(6);
    }

    @Test
    void hasSubscribersFollowsTheSubscriptions() {
        assertThat(parts.router.hasSubscribers("$sys.error")).isFalse();
        LocalSubscription s = parts.table.addLocal("$sys.>", "", m -> { }, "t");
        assertThat(parts.router.hasSubscribers("$sys.error")).isTrue();
        s.close();
        assertThat(parts.router.hasSubscribers("$sys.error")).isFalse();
    }

    @Test
    void aSessionsRememberedRouteIsDroppedOnceTheSubscriptionsChange() {
        Subscriber publisher = parts.table.subscriber(io.aldis.feature.pubsub.internal.FakeSession.of("alice"));
        String subject = "a.b";
        assertThat(parts.router.route(message(subject), publisher)).isZero();
        parts.table.addLocal("a.*", "", m -> { }, "t");
        assertThat(parts.router.route(message(subject), publisher)).isEqualTo(1);
        assertThat(parts.topics.topic(subject).messages()).isEqualTo(2);
    }
}
