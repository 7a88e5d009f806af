package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Subscribe;
import org.junit.jupiter.api.Test;

class SlowConsumersTest {
    private final RoutingParts parts = new RoutingParts();

    @Test
    void aSlowConsumerLosesItsSubscriptionAndItsSessionIsClosedSayingWhy() {
        FakeSession alice = FakeSession.of("alice");
        parts.requests.subscribe(alice, new Subscribe(4, "feed", "", "{\"budgetBytes\":2048}"));
        SessionSubscription sub = parts.table.existing(alice).subscriptions.get(4L);
        parts.events.clear();

        new SlowConsumers(parts.table, parts.counters, parts.sysEvents).disconnect(sub);

        assertThat(sub.closed).isTrue();
        assertThat(parts.table.size()).isZero();
        assertThat(parts.counters.slowConsumers.sum()).isEqualTo(1);
        assertThat(alice.closedWith).isEqualTo(ErrorCode.SLOW_CONSUMER);
        assertThat(alice.closeMessage).isEqualTo(
                "slow consumer: subscription 4 on 'feed' exceeded its outbound budget of 2048 bytes (policy disconnect)");
        assertThat(parts.events).containsExactly("$sys.error");
    }

    @Test
    void aSubscriberOverItsBudgetWhileItsConnectionIsFullIsDisconnectedUnderTheDisconnectPolicy() {
        FakeSession alice = FakeSession.of("alice");
        parts.requests.subscribe(alice, new Subscribe(1, "feed", "", "{\"budgetBytes\":1024}"));
        alice.writable = false;
        for (int i = 0; i < 3; i++) {
            parts.router.route(new Delivery("feed", "", java.util.Map.of(), new byte[600]), null);
        }
        assertThat(alice.closedWith).isEqualTo(ErrorCode.SLOW_CONSUMER);
    }
}
