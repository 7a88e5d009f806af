package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.spi.node.SessionState;
import org.junit.jupiter.api.Test;

class SubscriptionsTest {
    private final RoutingParts parts = new RoutingParts();

    @Test
    void aSessionHasOneSubscriber() {
        FakeSession alice = FakeSession.of("alice");
        assertThat(parts.table.existing(alice)).isNull();
        Subscriber s = parts.table.subscriber(alice);
        assertThat(parts.table.subscriber(alice)).isSameAs(s);
        assertThat(parts.table.existing(alice)).isSameAs(s);
        assertThat(s.session()).isSameAs(alice);
    }

    @Test
    void nothingIsKeptForASessionThatAlreadyEnded() {
        FakeSession gone = FakeSession.of("alice");
        gone.state = SessionState.CLOSED;
        parts.table.subscriber(gone);
        assertThat(parts.table.subscribers()).isEmpty();
    }

    @Test
    void aClosedSessionLosesItsSubscriptionsAndEachIsAnnounced() {
        FakeSession alice = FakeSession.of("alice");
        parts.requests.subscribe(alice, new Subscribe(1, "a", "", ""));
        parts.requests.subscribe(alice, new Subscribe(2, "b.*", "g", ""));
        parts.events.clear();
        parts.table.sessionClosed(alice);
        assertThat(parts.table.size()).isZero();
        assertThat(parts.table.subscribers()).isEmpty();
        assertThat(parts.events).containsExactly("$sys.subscription.removed", "$sys.subscription.removed");
    }

    @Test
    void theSameIdReplacesTheSubscription() {
        FakeSession alice = FakeSession.of("alice");
        parts.requests.subscribe(alice, new Subscribe(1, "a", "", ""));
        parts.requests.subscribe(alice, new Subscribe(1, "b", "", ""));
        assertThat(parts.table.size()).isEqualTo(1);
        assertThat(parts.table.reach("a")).isZero();
        assertThat(parts.events).containsExactly("$sys.subscription.created", "$sys.subscription.removed",
                "$sys.subscription.created");
    }

    @Test
    void everySubscriberGetsTheBucketOfTheLimitsInForce() {
        io.aldis.protocol.api.spi.limits.TokenBucket bucket =
                new io.aldis.protocol.api.spi.limits.TokenBucket(1, 1, 0);
        Subscriptions table = new Subscriptions(parts.permissions, parts.sysEvents, old -> bucket);
        Subscriber s = table.subscriber(FakeSession.of("alice"));
        assertThat(s.bucket).isSameAs(bucket);
        s.bucket = null;
        table.rebucket();
        assertThat(s.bucket).isSameAs(bucket);
    }

    @Test
    void closingEndsEverySubscription() {
        FakeSession alice = FakeSession.of("alice");
        parts.requests.subscribe(alice, new Subscribe(1, "a", "", ""));
        SessionSubscription sub = parts.table.existing(alice).subscriptions.get(1L);
        parts.table.close();
        assertThat(sub.closed).isTrue();
        assertThat(parts.table.subscribers()).isEmpty();
    }
}
