package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.spi.node.SessionState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session's inbound work and the PAUSE/RESUME it drives (docs/protocol.md section 4.7). */
class InboundWorkTest {
    private static final int HIGH = 4;
    private static final int LOW = 1;
    private final TestHost host = new TestHost();
    private final RecordingFeature feature = new RecordingFeature(false, FrameType.SUBSCRIBE);
    private final SessionRig rig;

    InboundWorkTest() {
        host.capabilities = Capability.PUBSUB.mask();
        host.serve(feature);
        rig = new SessionRig(host, SessionRig.settings(HIGH, LOW)).open(Capability.PUBSUB.mask());
    }

    private void subscribe(int from, int count) {
        for (int id = from; id < from + count; id++) {
            rig.receive(new Subscribe(id, "s." + id, "", ""));
        }
    }

    @Test
    void framesRunOnTheWorkersInArrivalOrder() {
        subscribe(1, 3);
        assertThat(feature.handled).isEmpty();

        rig.runWorkers();

        assertThat(feature.handled).extracting(f -> ((Subscribe) f).subscriptionId()).containsExactly(1L, 2L, 3L);
        assertThat(rig.sent()).containsExactly(new Ack(1, ""), new Ack(2, ""), new Ack(3, ""));
    }

    @Test
    void theHighWaterMarkPausesReadingAndTheLowWaterMarkResumesIt() {
        subscribe(1, HIGH - 1);
        assertThat(rig.sent()).isEmpty();
        assertThat(rig.channel.config().isAutoRead()).isTrue();

        subscribe(HIGH, 1);

        assertThat(rig.sent()).containsExactly(Pause.INSTANCE);
        assertThat(rig.channel.config().isAutoRead()).isFalse();
        assertThat(rig.session.state()).isEqualTo(SessionState.PAUSED);

        rig.runWorkers();

        List<Frame> sent = rig.sent();
        assertThat(sent).hasSize(HIGH + 1).last().isEqualTo(Resume.INSTANCE);
        assertThat(rig.channel.config().isAutoRead()).isTrue();
        assertThat(rig.session.state()).isEqualTo(SessionState.OPEN);
        // The features saw the session paused while the queue was full.
        assertThat(feature.statesSeen).first().isEqualTo(SessionState.PAUSED);
    }

    @Test
    void belowTheHighWaterMarkNothingIsPaused() {
        subscribe(1, HIGH - 1);
        rig.runWorkers();
        subscribe(HIGH, HIGH - 1);
        rig.runWorkers();

        assertThat(rig.sent()).doesNotContain(Pause.INSTANCE, Resume.INSTANCE);
    }

    @Test
    void aFeatureHoldingTheSessionPausesItUntilEveryHolderReleasedIt() {
        Object slowSubscriber = new Object();
        Object another = new Object();

        rig.session.hold(slowSubscriber);
        rig.session.hold(another);
        rig.session.hold(another);
        assertThat(rig.sent()).containsExactly(Pause.INSTANCE);
        assertThat(rig.channel.config().isAutoRead()).isFalse();

        rig.session.release(slowSubscriber);
        rig.channel.runPendingTasks();
        assertThat(rig.sent()).isEmpty();

        rig.session.release(another);
        rig.channel.runPendingTasks();
        assertThat(rig.sent()).containsExactly(Resume.INSTANCE);
        assertThat(rig.channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aFullQueueStaysPausedWhileAHolderHoldsAfterItDrained() {
        Object holder = new Object();
        rig.session.hold(holder);
        subscribe(1, HIGH);
        rig.runWorkers();

        assertThat(rig.sent()).filteredOn(f -> f instanceof Pause || f instanceof Resume)
                .containsExactly(Pause.INSTANCE);

        rig.session.release(holder);
        rig.channel.runPendingTasks();
        assertThat(rig.sent()).containsExactly(Resume.INSTANCE);
    }
}
