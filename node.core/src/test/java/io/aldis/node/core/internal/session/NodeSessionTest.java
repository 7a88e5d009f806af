package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The session as features see it, and the connection-level frames its handler answers itself. */
class NodeSessionTest {
    private final TestHost host = new TestHost();

    private static ErrorFrame onlyError(List<Frame> sent) {
        assertThat(sent).hasSize(1).first().isInstanceOf(ErrorFrame.class);
        return (ErrorFrame) sent.get(0);
    }

    @Test
    void standingRequestsAreKeptPerCapabilityInTheOrderTheyCameAndHandedOutAsSnapshots() {
        SessionRig rig = new SessionRig(host).open(0);
        NodeSession session = rig.session;
        session.keep("pubsub", "2", new Subscribe(2, "b", "", ""));
        session.keep("pubsub", "1", new Subscribe(1, "a", "", ""));
        session.keep("rpc", "calc", new ServiceProvide(5, "calc", "{}"));
        var snapshot = session.kept("pubsub");

        session.keep("pubsub", "2", new Subscribe(2, "b2", "", ""));
        session.forget("pubsub", "1");

        assertThat(snapshot.keySet()).containsExactly("2", "1");
        assertThat(session.kept("pubsub")).containsExactly(Map.entry("2", new Subscribe(2, "b2", "", "")));
        assertThat(session.kept("rpc")).containsOnlyKeys("calc");
        assertThat(session.kept("streams")).isEmpty();
    }

    @Test
    void aCapabilityChangeIsSentOnlyWhenWhatTheNodeOffersDiffersFromWhatTheClientWasTold() {
        host.capabilities = Capability.PUBSUB.mask();
        SessionRig rig = new SessionRig(host).open(0);

        rig.session.capabilitiesChanged();
        assertThat(rig.sent()).isEmpty();

        host.capabilities = Capability.PUBSUB.mask() | Capability.RPC.mask();
        rig.session.capabilitiesChanged();
        rig.session.capabilitiesChanged();

        assertThat(rig.sent()).containsExactly(new CapabilityChange(host.capabilities));
    }

    @Test
    void aSessionStillAuthenticatingIsNotToldOfCapabilityChanges() {
        SessionRig rig = new SessionRig(host).connect(0, "");
        rig.sent();
        host.capabilities = Capability.RPC.mask();

        rig.session.capabilitiesChanged();

        assertThat(rig.sent()).isEmpty();
    }

    @Test
    void heartbeatsPingWhenIdleAndEndASilentPeer() {
        SessionRig rig = new SessionRig(host).open(0);
        rig.channel.pipeline().fireUserEventTriggered(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
        rig.channel.pipeline().fireUserEventTriggered(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
        assertThat(rig.sent()).containsExactly(new Ping(1), new Ping(2));

        rig.channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT.code());
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void beforeConnectTheNodeSaysNothingEvenWhenIdle() {
        SessionRig rig = new SessionRig(host);
        rig.channel.pipeline().fireUserEventTriggered(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
        rig.channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);

        assertThat(rig.sent()).isEmpty();
        assertThat(rig.channel.isOpen()).isTrue();
    }

    @Test
    void afterAFatalErrorNothingThePeerSendsIsRead() {
        SessionRig rig = new SessionRig(host).open(0);
        rig.receive(new DecodeFailure(ErrorCode.MALFORMED_FRAME, "a str runs past the frame", true), new Ping(3));

        assertThat(onlyError(rig.sent()).code()).isEqualTo(ErrorCode.MALFORMED_FRAME.code());
        assertThat(rig.session.stats().framesIn()).isEqualTo(4);
    }

    @Test
    void anUnknownFrameTypeIsAnsweredAndTheConnectionStays() {
        SessionRig rig = new SessionRig(host).open(0);
        rig.receive(new DecodeFailure(ErrorCode.UNKNOWN_FRAME_TYPE, "unknown frame type 0x7f", false), new Ping(3));

        List<Frame> sent = rig.sent();
        assertThat(sent).hasSize(2).last().isEqualTo(new Pong(3));
        assertThat(((ErrorFrame) sent.get(0)).code()).isEqualTo(ErrorCode.UNKNOWN_FRAME_TYPE.code());
    }

    @Test
    void framesWrittenWithoutAFlushGoOutInOrderWithTheNextFlushOrSend() {
        SessionRig rig = new SessionRig(host).open(0);
        rig.sent();
        rig.session.write(List.of(new Ping(1), new Ping(2)));
        assertThat(rig.sent()).isEmpty();
        rig.session.flush();
        assertThat(rig.sent()).containsExactly(new Ping(1), new Ping(2));

        rig.session.write(List.of(new Ping(3)));
        rig.session.send(new Pong(4));
        assertThat(rig.sent()).containsExactly(new Ping(3), new Pong(4));
    }

    @Test
    void framesWrittenForAFlushDoNotMakeTheSessionUnwritableButTheClientsPauseDoes() {
        SessionRig rig = new SessionRig(host).open(Capability.FLOW_CONTROL.mask());
        rig.sent();
        rig.channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
        rig.session.write(List.of(new Ping(1)));
        assertThat(rig.channel.isWritable()).as("the written frame fills the channel's buffer").isFalse();
        assertThat(rig.session.writable()).isTrue();

        rig.receive(Pause.INSTANCE);
        assertThat(rig.session.writable()).isFalse();
        rig.receive(Resume.INSTANCE);
        assertThat(rig.session.writable()).isTrue();

        rig.session.send(new Pong(2));
        rig.channel.write(new Ping(3));
        assertThat(rig.session.writable()).as("a frame someone else left unflushed counts").isFalse();
        assertThat(rig.sent()).containsExactly(new Ping(1), new Pong(2));
    }

    @Test
    void writableCallbacksRunWhenTheChannelTurnsWritableAgain() throws Exception {
        SessionRig rig = new SessionRig(host).open(0);
        int[] runs = new int[1];
        AutoCloseable handle = rig.session.onWritable(() -> runs[0]++);
        rig.channel.pipeline().fireChannelWritabilityChanged();
        handle.close();
        rig.channel.pipeline().fireChannelWritabilityChanged();

        assertThat(runs[0]).isEqualTo(1);
    }
}
