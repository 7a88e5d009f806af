package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PublishChecksTest {
    private final RoutingParts parts = new RoutingParts();
    private final PublishChecks checks = new PublishChecks(parts.permissions, parts.counters);
    private final Subscriber alice = parts.table.subscriber(FakeSession.of("alice"));
    private final PubSubSettings settings = PubSubSettings.defaults().withLimits(10, 100);

    private static Publish publish(String subject, String replyTo, int size) {
        return new Publish(subject, replyTo, Map.of(), new byte[size]);
    }

    @Test
    void aValidMessageMayGo() {
        assertThat(checks.check(alice, publish("a.b", "", 10), settings)).isNull();
        assertThat(checks.check(alice, publish("a.b", "reply.to", 10), settings)).isNull();
    }

    @Test
    void aBadSubjectOrReplySubjectIsInvalid() {
        PublishChecks.Refusal r = checks.check(alice, publish("a..b", "", 1), settings);
        assertThat(r.code()).isEqualTo(ErrorCode.INVALID_SUBJECT);
        assertThat(checks.check(alice, publish("a", "r.*", 1), settings).message()).startsWith("reply subject: ");
        assertThat(parts.counters.invalid.sum()).isEqualTo(2);
    }

    @Test
    void sysSubjectsAreReservedEvenForAdmins() {
        Subscriber root = parts.table.subscriber(FakeSession.of("root", "admin"));
        assertThat(checks.check(root, publish("$sys.x", "", 1), settings).message())
                .isEqualTo("$sys subjects are published by the node only");
        assertThat(checks.check(root, publish("a", "$sys.y", 1), settings).code()).isEqualTo(ErrorCode.INVALID_SUBJECT);
    }

    @Test
    void aMessageOverTheLimitIsTooLargeAndSaysTheLimit() {
        PublishChecks.Refusal r = checks.check(alice, publish("a", "", 101), settings);
        assertThat(r.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        assertThat(r.details()).containsEntry("maxMessageBytes", 100);
        assertThat(parts.counters.tooLarge.sum()).isEqualTo(1);
    }

    @Test
    void aSubjectTheUserMayNotPublishOnIsForbiddenAndRecheckedWhenThePermissionsChange() {
        AtomicInteger asked = new AtomicInteger();
        Authorizer only = new Authorizer() {
            @Override
            public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
                asked.incrementAndGet();
                return resource.equals("open");
            }

            @Override
            public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
                return false;
            }
        };
        parts.permissions.use(only);
        assertThat(checks.check(alice, publish("closed", "", 1), settings).code()).isEqualTo(ErrorCode.FORBIDDEN);
        Publish open = publish("open", "", 1);
        assertThat(checks.check(alice, open, settings)).isNull();
        assertThat(checks.check(alice, open, settings)).isNull();
        assertThat(asked).hasValue(2); // the same subject again is not asked about again

        parts.permissions.use(Authorizer.DEFAULT);
        parts.permissions.use(only);
        assertThat(checks.check(alice, open, settings)).isNull();
        assertThat(asked).hasValue(3);
    }
}
