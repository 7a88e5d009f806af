package io.aldis.itest.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Subscriptions per session, message size and token-bucket rate limits (per connection, per
 * subject prefix, global), changed live. Rates are tiny (one token per thousand seconds) so a
 * refill never happens during a test: no timing is involved.
 */
@ExtendWith(LeakWatch.class)
class LimitsTest {
    private static final double NEVER = 0.001;

    private NodeFixture node;
    private final java.util.List<FrameClient> clients = new java.util.ArrayList<>();

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
    void subscriptionsPerSessionAndMessageSize() throws Exception {
        node = PubSubNodes.start(PubSubSettings.defaults().withLimits(3, 1024));
        FrameClient c = login("alice");
        c.subscribeOk(1, "a");
        c.subscribeOk(2, "b");
        c.subscribeOk(3, "c");
        ErrorFrame limit = (ErrorFrame) c.subscribe(4, "d", "", "");
        assertThat(limit.errorCode()).isEqualTo(ErrorCode.SUBSCRIPTION_LIMIT);
        assertThat(limit.details()).contains("\"maxSubscriptions\":3");
        c.subscribeOk(2, "b2"); // replacing one is fine
        c.unsubscribe(3);
        c.subscribeOk(4, "d");

        c.publish("a", "", Map.of(), new byte[1025]);
        ErrorFrame big = c.error();
        assertThat(big.errorCode()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        assertThat(big.details()).contains("\"maxMessageBytes\":1024");
        // Headers count too.
        c.publish("a", "", Map.of("h", "x".repeat(100)), new byte[1000]);
        assertThat(c.error().errorCode()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        c.publish("a", "", Map.of(), new byte[1024]);
        assertThat(c.deliver().payload()).hasSize(1024);
    }

    @Test
    void perConnectionAndPrefixLimitsWithRetryAfterChangedLive() throws Exception {
        PubSubSettings base = PubSubSettings.defaults();
        node = PubSubNodes.start(base.withRates(0, 0, NEVER, 5,
                List.of(PubSubSettings.PrefixLimit.parse("sensors=" + NEVER + "/2"))));
        FrameClient sub = login("bob");
        sub.subscribeOk(1, ">");
        FrameClient pub = login("alice");
        for (int i = 0; i < 6; i++) {
            pub.publish("r.x", Integer.toString(i));
        }
        ErrorFrame limited = pub.error();
        assertThat(limited.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(limited.requestId()).isZero();
        assertThat(limited.details()).contains("\"limit\":\"connection\"").containsPattern("\"retryAfterMillis\":[1-9]");
        for (int i = 0; i < 5; i++) {
            assertThat(FrameClient.text(sub.deliver())).isEqualTo(Integer.toString(i));
        }

        FrameClient other = login("alice");
        other.publish("sensors.t1", "1");
        other.publish("sensors.t2.deep", "2");
        other.publish("sensors.t1", "3");
        ErrorFrame prefix = other.error();
        assertThat(prefix.errorCode()).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(prefix.details()).contains("prefix:sensors");
        other.publish("sensorsx", "not under the prefix");
        assertThat(sub.deliverOn("sensorsx")).isNotNull();

        // Lifting the limits applies at once, to connections already open.
        node.pubsub().update(base.withRates(0, 0, 0, 0, List.of()));
        pub.publish("r.x", "again");
        assertThat(FrameClient.text(sub.deliverOn("r.x"))).isEqualTo("again");
        assertThat(node.pubsub().view().counters().get("rateLimited")).isEqualTo(2L);

        // A global limit counts every connection together. Two connections' publishes are not
        // ordered with each other, so the second one is sent only once the first was delivered.
        node.pubsub().update(base.withRates(NEVER, 1, 0, 0, List.of()));
        pub.publish("g", "first");
        assertThat(FrameClient.text(sub.deliverOn("g"))).isEqualTo("first");
        other.publish("g", "second");
        ErrorFrame global = other.error();
        assertThat(global.details()).contains("\"limit\":\"global\"");
    }
}
