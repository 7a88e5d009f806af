package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where an authenticated session's frames go (docs/protocol.md sections 4.2 and 4.7). */
class FeatureDispatchTest {
    private static final long CLIENT = Capability.PUBSUB.mask() | Capability.MESSAGES.mask()
            | Capability.FLOW_CONTROL.mask();
    private final TestHost host = new TestHost();
    private final RecordingFeature pubsub = new RecordingFeature(true, FrameType.SUBSCRIBE, FrameType.PUBLISH);
    private final RecordingFeature rpc = new RecordingFeature(false, FrameType.RPC_REQUEST);

    private SessionRig open(long clientCapabilities) {
        host.capabilities = Capability.PUBSUB.mask() | Capability.RPC.mask() | Capability.FLOW_CONTROL.mask();
        host.serve(pubsub);
        host.serve(rpc);
        return new SessionRig(host).open(clientCapabilities);
    }

    private static ErrorFrame onlyError(List<Frame> sent) {
        assertThat(sent).hasSize(1).first().isInstanceOf(ErrorFrame.class);
        return (ErrorFrame) sent.get(0);
    }

    @Test
    void aNonBlockingFeatureHandlesFramesOnTheEventLoop() {
        SessionRig rig = open(CLIENT);
        rig.receive(new Subscribe(9, "a.>", "", ""));

        assertThat(pubsub.handled).containsExactly(new Subscribe(9, "a.>", "", ""));
        assertThat(host.workQueue).isEmpty();
        assertThat(rig.sent()).containsExactly(new Ack(9, ""));
    }

    @Test
    void aFamilyTheClientDidNotAnnounceIsRefusedWithTheFramesId() {
        SessionRig rig = open(CLIENT);
        rig.receive(new RpcRequest(31, 0, "calc.add", new byte[0]));

        ErrorFrame error = onlyError(rig.sent());
        assertThat(error.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
        assertThat(error.requestId()).isEqualTo(31);
        assertThat(rpc.handled).isEmpty();
        assertThat(rig.channel.isOpen()).isTrue();
    }

    @Test
    void aFamilyNoFeatureServesIsRefusedAndTheConnectionStays() {
        SessionRig rig = open(CLIENT);
        rig.receive(new Message(false, 12, "greeting", new byte[0]));

        ErrorFrame error = onlyError(rig.sent());
        assertThat(error.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
        assertThat(error.requestId()).isEqualTo(12);
        assertThat(rig.channel.isOpen()).isTrue();
    }

    @Test
    void theClientsPauseHoldsBackWorkFramesUntilItsResume() {
        SessionRig rig = open(CLIENT);
        rig.receive(new Pause(), new Subscribe(1, "a", "", ""));
        assertThat(rig.sent()).isEmpty();
        assertThat(rig.session.writable()).isFalse();

        rig.receive(new Resume());

        assertThat(rig.sent()).containsExactly(new Ack(1, ""));
        assertThat(rig.session.writable()).isTrue();
    }

    @Test
    void pauseFromAClientThatDidNotAnnounceFlowControlIsRefused() {
        SessionRig rig = open(Capability.PUBSUB.mask());
        rig.receive(new Pause(), new Publish("a", "", Map.of(), new byte[0]));

        // Refused, so the publication's answer is not held back.
        List<Frame> sent = rig.sent();
        assertThat(sent).hasSize(2).last().isEqualTo(new Ack(0, ""));
        assertThat(((ErrorFrame) sent.get(0)).code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
        assertThat(rig.session.writable()).isTrue();
    }

    @Test
    void authStartAfterAuthenticationEndsTheConnection() {
        SessionRig rig = open(CLIENT);
        rig.receive(new AuthStart("TEST", new byte[0]));

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void aFeatureThatThrowsGetsItsFrameAnsweredWithAnInternalError() {
        host.capabilities = Capability.PUBSUB.mask();
        host.handlers.put(FrameType.SUBSCRIBE, new FrameHandler() {
            @Override
            public Set<FrameType> frameTypes() {
                return Set.of(FrameType.SUBSCRIBE);
            }

            @Override
            public void handle(Session session, Frame frame) {
                throw new IllegalStateException("feature bug");
            }
        });
        SessionRig rig = new SessionRig(host).open(CLIENT);
        rig.receive(new Subscribe(4, "a", "", ""));
        rig.runWorkers();

        ErrorFrame error = onlyError(rig.sent());
        assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL_ERROR.code());
        assertThat(error.message()).doesNotContain("feature bug");
        assertThat(rig.channel.isOpen()).isTrue();
    }
}
