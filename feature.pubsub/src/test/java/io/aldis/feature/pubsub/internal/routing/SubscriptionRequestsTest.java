package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.SlowConsumerPolicy;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class SubscriptionRequestsTest {
    private final RoutingParts parts = new RoutingParts();
    private final FakeSession alice = FakeSession.of("alice");

    private ErrorFrame onlyError(FakeSession s) {
        assertThat(s.sent).hasSize(1).first().isInstanceOf(ErrorFrame.class);
        return (ErrorFrame) s.sent.get(0);
    }

    @Test
    void aSubscribeIsAckedWithThePolicyAndBudgetInForceAndKeptInTheSession() {
        Subscribe f = new Subscribe(7, "orders.*", "", "{\"budgetBytes\":10}");
        parts.requests.subscribe(alice, f);
        assertThat(alice.sent).containsExactly(new Ack(7, "{\"policy\":\"disconnect\",\"budgetBytes\":1024}"));
        assertThat(alice.kept(SubscriptionRequests.KEPT)).containsValue(f);
        assertThat(parts.table.reach("orders.new")).isEqualTo(1);
        assertThat(parts.events).containsExactly("$sys.subscription.created");
    }

    @Test
    void theReservedIdIsAMalformedFrame() {
        parts.requests.subscribe(alice, new Subscribe(0, "a", "", ""));
        ErrorFrame e = onlyError(alice);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(parts.table.size()).isZero();
    }

    @Test
    void aBadPatternOrQueueGroupIsAnInvalidSubjectWithTheSubscriptionId() {
        parts.requests.subscribe(alice, new Subscribe(3, "a..b", "", ""));
        assertThat(onlyError(alice).requestId()).isEqualTo(3);
        assertThat(onlyError(alice).errorCode()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        FakeSession bob = FakeSession.of("bob");
        parts.requests.subscribe(bob, new Subscribe(4, "a", "g.h", ""));
        assertThat(onlyError(bob).message()).startsWith("queue group name: ");
    }

    @Test
    void badOptionsAreAProtocolErrorAndTheUnknownPolicyMessageListsTheWireNames() {
        parts.requests.subscribe(alice, new Subscribe(5, "a", "", "{\"policy\":\"drop\"}"));
        ErrorFrame e = onlyError(alice);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.message()).isEqualTo("unknown policy 'drop'; use one of block, drop-oldest, drop-newest, disconnect");
    }

    @Test
    void askingToBlockWithoutThePermissionIsForbidden() {
        parts.requests.subscribe(alice, new Subscribe(6, "a", "", "{\"policy\":\"block\"}"));
        assertThat(onlyError(alice).errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(parts.counters.forbidden.sum()).isEqualTo(1);
    }

    @Test
    void blockAsOnlyTheDefaultBecomesDisconnectForAUserWithoutThePermission() {
        parts.settings = parts.settings.withBudgets(SlowConsumerPolicy.BLOCK, EnumSet.allOf(SlowConsumerPolicy.class),
                4096, 8192, 0);
        parts.requests.subscribe(alice, new Subscribe(6, "a", "", ""));
        assertThat(alice.sent).containsExactly(new Ack(6, "{\"policy\":\"disconnect\",\"budgetBytes\":4096}"));
        FakeSession root = FakeSession.of("root", "admin");
        parts.requests.subscribe(root, new Subscribe(6, "a", "", ""));
        assertThat(root.sent).containsExactly(new Ack(6, "{\"policy\":\"block\",\"budgetBytes\":4096}"));
    }

    @Test
    void aPolicyTheOperatorDoesNotAllowIsForbidden() {
        parts.settings = parts.settings.withBudgets(SlowConsumerPolicy.DISCONNECT,
                EnumSet.of(SlowConsumerPolicy.DISCONNECT), 4096, 8192, 0);
        parts.requests.subscribe(alice, new Subscribe(8, "a", "", "{\"policy\":\"drop-oldest\"}"));
        assertThat(onlyError(alice).message()).isEqualTo("the operator does not allow the policy 'drop-oldest'");
    }

    @Test
    void aSubjectTheUserMayNotReadIsForbidden() {
        parts.requests.subscribe(alice, new Subscribe(9, "$sys.error", "", ""));
        assertThat(onlyError(alice).errorCode()).isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void pastTheLimitASessionGetsSubscriptionLimitButMayStillReplaceOne() {
        parts.settings = parts.settings.withLimits(1, 1024);
        parts.requests.subscribe(alice, new Subscribe(1, "a", "", ""));
        parts.requests.subscribe(alice, new Subscribe(2, "b", "", ""));
        assertThat(alice.errors()).extracting(ErrorFrame::errorCode).containsExactly(ErrorCode.SUBSCRIPTION_LIMIT);
        parts.requests.subscribe(alice, new Subscribe(1, "c", "", ""));
        assertThat(parts.table.reach("a")).isZero();
        assertThat(parts.table.reach("c")).isEqualTo(1);
    }

    @Test
    void unsubscribeEndsAndForgetsTheSubscriptionAndSaysWhenThereWasNone() {
        parts.requests.subscribe(alice, new Subscribe(1, "a", "", ""));
        alice.sent.clear();
        parts.requests.unsubscribe(alice, new Unsubscribe(1));
        parts.requests.unsubscribe(alice, new Unsubscribe(1));
        assertThat(alice.sent).containsExactly(new Ack(1, ""), new Ack(1, "{\"existed\":false}"));
        assertThat(alice.kept(SubscriptionRequests.KEPT)).isEmpty();
        assertThat(parts.table.size()).isZero();
    }

    @Test
    void restoreSetsUpWhatTheSessionKeptWithoutASecondAckAndOnlyOnce() {
        Subscribe f = new Subscribe(1, "a.>", "workers", "");
        alice.keep(SubscriptionRequests.KEPT, "subscription.1", f);
        parts.requests.restore(alice);
        parts.requests.restore(alice); // told again: the session opened while the feature registered
        assertThat(alice.sent).isEmpty();
        assertThat(parts.table.size()).isEqualTo(1);
        assertThat(parts.table.reach("a.b")).isEqualTo(1);
    }

    @Test
    void aKeptSubscribeThatNoLongerPassesIsAnsweredWithItsErrorAndForgotten() {
        alice.keep(SubscriptionRequests.KEPT, "subscription.1", new Subscribe(1, "secret", "", ""));
        parts.permissions.use(new Authorizer() {
            @Override
            public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
                return false;
            }

            @Override
            public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
                return false;
            }
        });
        parts.requests.restore(alice);
        assertThat(onlyError(alice).requestId()).isEqualTo(1);
        assertThat(alice.kept(SubscriptionRequests.KEPT)).isEmpty();
    }
}
