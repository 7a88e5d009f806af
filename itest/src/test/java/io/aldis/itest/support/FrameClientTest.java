package io.aldis.itest.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The checks the other tests rely on can fail: FrameClient's waits, silence and close checks
 * against a real node whose heartbeat runs every 200 ms, so PINGs arrive during every wait.
 */
@ExtendWith(LeakWatch.class)
class FrameClientTest {
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeFixture.builder().settings(NodeSettings.defaults().withTimeouts(200, 5_000))
                .user("alice", "user").user("bob", "user").pubsub().start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void nextKeepsTheFramesItPassesOverInTheirOrder() throws Exception {
        try (FrameClient sub = node.login("alice"); FrameClient pub = node.login("bob")) {
            sub.subscribeOk(1, "order.a");
            sub.subscribeOk(2, "order.b");
            pub.publish("order.a", "first");
            pub.publish("order.b", "second");
            assertThat(FrameClient.text(sub.deliverOn("order.b"))).isEqualTo("second");
            Deliver kept = (Deliver) sub.read();
            assertThat(FrameClient.text(kept)).isEqualTo("first");
        }
    }

    @Test
    void awaitFailsAtOnceOnAnErrorNobodyWaitsFor() throws Exception {
        try (FrameClient c = node.login("alice")) {
            c.publish("$sys.anything", "not allowed");
            assertThatThrownBy(() -> c.await(FrameType.DELIVER))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("node answered");
        }
    }

    @Test
    void expectSilencePassesOverAnsweredPingsAndFailsOnAFrame() throws Exception {
        try (FrameClient sub = node.login("alice")) {
            sub.subscribeOk(1, "quiet.x");
            sub.expectSilence(1_000); // several heartbeats, answered on the way
            // The publisher logs in only now: a peer that reads nothing misses its heartbeats.
            try (FrameClient pub = node.login("bob")) {
                pub.publish("quiet.x", "noise");
            }
            assertThatThrownBy(() -> sub.expectSilence(5_000))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("but the node sent Deliver");
        }
    }

    @Test
    void closeChecksTellAnOpenSessionFromAClosedOne() throws Exception {
        try (FrameClient c = node.login("alice")) {
            c.waitMillis(1_000);
            assertThat(c.closedByNode()).as("an answering peer stays").isFalse();
            // What it meets first here is the node's next heartbeat PING, which counts as a frame.
            assertThatThrownBy(c::expectClosed).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("expected the node to close the connection");
            c.waitMillis(FrameClient.WAIT_MILLIS);
            assertThat(node.node().kill(c.sessionId(), false)).isTrue();
            assertThat(c.closedByNode()).isTrue();
        }
    }

    @Test
    void aPeerThatDoesNotAnswerPingsSeesThemAndIsDropped() throws Exception {
        try (FrameClient c = node.login("alice")) {
            c.send(new Ping(5));
            assertThat(c.<Pong>await(FrameType.PONG).nonce()).isEqualTo(5);
            c.answerPings(false);
            assertThat(c.read()).isInstanceOf(Ping.class);
            assertThat(c.closedByNode()).as("dropped for not answering").isTrue();
        }
    }
}
