package io.aldis.itest.conformance;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Subscribe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/protocol.md for a node whose features change while sessions are open
 * (section 4.2, "Capabilities that change while a session runs", and the empty mechanism list of
 * section 4.4), checked frame by frame against a real node whose features are taken away and
 * brought back as Karaf does when a feature bundle is updated.
 */
class CapabilityChangeConformanceTest {
    private static final String USER = "alice";
    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(USER, "user").pubsub().rpc().start();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private FrameClient session() throws Exception {
        FrameClient c = node.raw();
        c.connect();
        c.scram(USER, PASSWORD);
        return c;
    }

    /** Reads frames up to the CAPABILITY_CHANGE whose mask has {@code capability} set or clear; returns all read. */
    private static List<Frame> readUntilChange(FrameClient c, Capability capability, boolean offered)
            throws Exception {
        List<Frame> read = new ArrayList<>();
        while (true) {
            Frame frame = c.read();
            read.add(frame);
            if (frame instanceof CapabilityChange change && ((change.capabilities() & capability.mask()) != 0) == offered) {
                return read;
            }
        }
    }

    @Test
    void section4_2_aFeatureThatGoesIsAnnouncedAndItsFramesAreRefusedUnderTheirIds() throws Exception {
        try (FrameClient c = session()) {
            node.stopPubSub();
            List<Frame> read = readUntilChange(c, Capability.PUBSUB, false);
            CapabilityChange change = (CapabilityChange) read.get(read.size() - 1);
            assertThat(change.capabilities() & Capability.RPC.mask()).as("other families stay").isNotZero();
            c.send(new Subscribe(9, "a.*", "", ""));
            ErrorFrame refused = c.await(FrameType.ERROR);
            assertThat(refused.requestId()).isEqualTo(9);
            assertThat(refused.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
            c.send(new Ping(1));
            assertThat(c.<Pong>await(FrameType.PONG).nonce()).as("the session stays").isEqualTo(1);
        }
    }

    @Test
    void section4_2_subscriptionsAreRestoredBeforeTheChangeAndNotAcknowledgedAgain() throws Exception {
        try (FrameClient subscriber = session(); FrameClient publisher = session()) {
            subscriber.send(new Subscribe(5, "a.*", "workers", ""));
            assertThat(subscriber.<Ack>await(FrameType.ACK).requestId()).isEqualTo(5);

            node.stopPubSub();
            readUntilChange(subscriber, Capability.PUBSUB, false);
            // The publisher too must have been told, or it may never be: a session is told only
            // of a change still in place when its turn comes, and this one may be undone by then.
            readUntilChange(publisher, Capability.PUBSUB, false);
            node.startPubSub();
            List<Frame> beforeBack = readUntilChange(subscriber, Capability.PUBSUB, true);
            assertThat(beforeBack).as("no second ACK for the restored SUBSCRIBE")
                    .noneMatch(f -> f.type() == FrameType.ACK || f.type() == FrameType.ERROR);

            readUntilChange(publisher, Capability.PUBSUB, true);
            publisher.send(new Publish("a.x", "", Map.of(), "hi".getBytes(StandardCharsets.UTF_8)));
            Deliver d = subscriber.await(FrameType.DELIVER);
            assertThat(d.subscriptionId()).as("the same subscription id as before").isEqualTo(5);
            assertThat(new String(d.payload(), StandardCharsets.UTF_8)).isEqualTo("hi");
        }
    }

    @Test
    void section4_4_withoutAMechanismConnectAckListsNoneAndOnlyAResumeTokenGetsIn() throws Exception {
        String token;
        try (FrameClient c = node.raw()) {
            c.connect();
            AuthOk ok = c.scram(USER, PASSWORD);
            token = ok.resumeToken();
        }
        node.node().removeMechanism(node.scram());

        try (FrameClient c = node.raw()) {
            ConnectAck ack = c.connect();
            assertThat(ack.mechanisms()).isEmpty();
            c.send(new AuthStart("SCRAM-SHA-256", "n,,n=alice,r=abc".getBytes(StandardCharsets.UTF_8)));
            ErrorFrame error = c.await(FrameType.ERROR);
            assertThat(error.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
            assertThat(c.closedByNode()).isTrue();
        }
        try (FrameClient c = node.raw()) {
            ConnectAck resumed = c.connect(token);
            assertThat(resumed.authenticated()).as("a valid resume token still gets in").isTrue();
        }
    }
}
