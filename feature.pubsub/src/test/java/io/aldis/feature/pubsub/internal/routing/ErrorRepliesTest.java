package io.aldis.feature.pubsub.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.FakeSession;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorRepliesTest {
    private final RoutingParts parts = new RoutingParts();
    private final ErrorReplies replies = new ErrorReplies(parts.table, parts.sysEvents);

    @Test
    void theErrorCarriesItsRequestIdCodeMessageAndDetailsAndIsCountedAndAnnounced() {
        FakeSession alice = FakeSession.of("alice");
        Subscriber s = parts.table.subscriber(alice);
        replies.send(alice, 9, ErrorCode.FORBIDDEN, "no", Map.of("subject", "x"));
        assertThat(alice.sent).containsExactly(new ErrorFrame(9, ErrorCode.FORBIDDEN.code(), "no", "{\"subject\":\"x\"}"));
        assertThat(s.errors.sum()).isEqualTo(1);
        assertThat(parts.events).containsExactly("$sys.error");
    }

    @Test
    void aSessionWithoutSubscriberGetsItsErrorWithoutOneBeingMade() {
        FakeSession bob = FakeSession.of("bob");
        replies.send(bob, 0, ErrorCode.INVALID_SUBJECT, "bad", Map.of());
        assertThat(bob.errors()).hasSize(1);
        assertThat(parts.table.subscribers()).isEmpty();
    }
}
