package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.feature.pubsub.internal.stats.PubSubView.SessionView;
import io.aldis.feature.pubsub.internal.stats.PubSubView.SubscriptionView;
import io.aldis.protocol.api.Subscribe;
import org.junit.jupiter.api.Test;

class ListingsTest {
    private final RoutingParts parts = new RoutingParts();
    private final Listings listings = new Listings(parts.table);

    @Test
    void clientAndLocalSubscriptionsAreListedWithTheirSettings() {
        FakeSession alice = FakeSession.of("alice");
        parts.requests.subscribe(alice, new Subscribe(3, "a.*", "g", "{\"policy\":\"drop-newest\",\"budgetBytes\":4096}"));
        parts.table.addLocal("b", "", m -> { }, "shell tail");
        assertThat(listings.subscriptions()).containsExactlyInAnyOrder(
                new SubscriptionView(alice.id() + " (alice)", 3, "a.*", "g", "drop-newest", 4096, 0, 0, 0, 0, 0),
                new SubscriptionView("shell tail", 0, "b", "", "local", 0, 0, 0, 0, 0, 0));
    }

    @Test
    void sessionsAreListedWithTheirCounters() {
        FakeSession alice = FakeSession.of("alice");
        parts.requests.subscribe(alice, new Subscribe(1, "a", "", ""));
        parts.table.existing(alice).published.add(5);
        assertThat(listings.sessions()).containsExactly(new SessionView(alice.id(), "alice", 1, 5, 0, 0, 0, 0, 0));
    }
}
