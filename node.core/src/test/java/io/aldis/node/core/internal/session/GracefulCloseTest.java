package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.spi.node.SessionState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The graceful close, started by either side (docs/protocol.md section 4.8). */
class GracefulCloseTest {
    private final TestHost host = new TestHost();
    private final RecordingFeature feature = new RecordingFeature(false, FrameType.SUBSCRIBE);
    private final SessionRig rig;

    GracefulCloseTest() {
        host.capabilities = Capability.PUBSUB.mask() | Capability.FLOW_CONTROL.mask();
        host.serve(feature);
        rig = new SessionRig(host).open(host.capabilities);
    }

    @Test
    void theAnswersToQueuedWorkGoOutBeforeCloseAck() {
        rig.receive(new Subscribe(1, "a", "", ""), new Subscribe(2, "b", "", ""), new Close(0, "bye"));
        assertThat(rig.sent()).isEmpty();
        assertThat(rig.channel.isOpen()).isTrue();
        assertThat(rig.session.state()).isEqualTo(SessionState.CLOSING);

        rig.runWorkers();

        assertThat(rig.sent()).containsExactly(new Ack(1, ""), new Ack(2, ""), CloseAck.INSTANCE);
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void workArrivingAfterCloseIsNotTakenButPingStillIs() {
        rig.receive(new Close(0, "bye"), new Subscribe(1, "a", "", ""), new Ping(5));

        assertThat(rig.sent()).containsExactly(new Pong(5), CloseAck.INSTANCE);
        assertThat(feature.handled).isEmpty();
    }

    @Test
    void closeAckWaitsForTheFeaturesWorkInFlight() {
        feature.closingDone = new CompletableFuture<>();
        rig.receive(new Close(0, "bye"));
        assertThat(rig.sent()).isEmpty();

        feature.closingDone.complete(null);
        rig.channel.runPendingTasks();

        assertThat(rig.sent()).containsExactly(CloseAck.INSTANCE);
    }

    @Test
    void theFeaturesAreAskedWhatTheyStillDoOnlyOnceTheyHeardOfTheOpening() {
        Queue<Runnable> workers = new ArrayDeque<>();
        List<String> told = new ArrayList<>();
        feature.closingDone = new CompletableFuture<>();
        feature.onClosing = () -> told.add("closing");
        rig.session.notices().opening(workers::add, () -> told.add("opened"));

        rig.receive(new Close(0, "bye"));
        assertThat(told).isEmpty();
        assertThat(rig.sent()).isEmpty();

        workers.poll().run();
        rig.channel.runPendingTasks();
        assertThat(told).containsExactly("opened", "closing");
        assertThat(rig.sent()).as("the feature still works for the session").isEmpty();

        feature.closingDone.complete(null);
        rig.channel.runPendingTasks();
        assertThat(rig.sent()).containsExactly(CloseAck.INSTANCE);
    }

    @Test
    void aFeatureIdleOnceItHeardOfTheOpeningLetsCloseAckGoWithoutTheTimeout() {
        Queue<Runnable> workers = new ArrayDeque<>();
        rig.session.notices().opening(workers::add, () -> { });
        rig.receive(new Close(0, "bye"));

        workers.poll().run();
        rig.channel.runPendingTasks();

        assertThat(feature.closingAsked).isEqualTo(1);
        assertThat(rig.sent()).containsExactly(CloseAck.INSTANCE);
    }

    @Test
    void aSessionWhoseConnectionDroppedBeforeItsOpeningWasToldIsNotAskedToClose() {
        Queue<Runnable> workers = new ArrayDeque<>();
        rig.session.notices().opening(workers::add, () -> { });
        rig.receive(new Close(0, "bye"));
        rig.channel.close();
        rig.channel.runPendingTasks();

        workers.poll().run();
        rig.channel.runPendingTasks();
        rig.runWorkers();

        assertThat(feature.closingAsked).isZero();
        assertThat(rig.sent()).isEmpty();
    }

    @Test
    void anAnswerQueuedWhileTheFeaturesWereAskedLateGoesOutBeforeCloseAck() {
        Queue<Runnable> workers = new ArrayDeque<>();
        rig.session.notices().opening(workers::add, () -> { });
        rig.receive(new Close(0, "bye"));

        workers.poll().run();
        // sent from another thread after the question was posted, just before the feature reports idle
        rig.channel.eventLoop().execute(() -> rig.session.send(new Ack(7, "")));
        rig.channel.runPendingTasks();

        assertThat(rig.sent()).containsExactly(new Ack(7, ""), CloseAck.INSTANCE);
    }

    @Test
    void theCloseTimeoutBoundsTheWait() {
        feature.closingDone = new CompletableFuture<>();
        rig.receive(new Close(0, "bye"));
        rig.advance(SessionRig.CLOSE_TIMEOUT - 1);
        assertThat(rig.sent()).isEmpty();

        rig.advance(1);

        assertThat(rig.sent()).containsExactly(CloseAck.INSTANCE);
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void aClientsCloseEndsItsPauseSoTheAnswersItWasOwedComeFirst() {
        rig.receive(new Pause(), new Subscribe(1, "a", "", ""));
        rig.runWorkers();
        assertThat(rig.sent()).isEmpty();

        rig.receive(new Close(0, "bye"));

        assertThat(rig.sent()).containsExactly(new Ack(1, ""), CloseAck.INSTANCE);
    }

    @Test
    void aNormalCloseIsALogoutAndAnErrorCloseKeepsTheToken() {
        String token = rig.token;
        rig.receive(new Close(0, "bye"));
        assertThat(host.tokens.validate(token)).isEmpty();

        SessionRig other = new SessionRig(host).open(0);
        String kept = other.token;
        other.receive(new Close(ErrorCode.INTERNAL_ERROR.code(), "crashing"));
        assertThat(host.tokens.validate(kept)).isPresent();
    }

    @Test
    void theNodesCloseEndsOnTheClientsCloseAck() {
        rig.session.close(ErrorCode.SESSION_KILLED, "kicked");
        rig.channel.runPendingTasks();
        assertThat(rig.sent()).containsExactly(new Close(ErrorCode.SESSION_KILLED.code(), "kicked"));
        assertThat(rig.session.state()).isEqualTo(SessionState.CLOSING);
        assertThat(rig.channel.isOpen()).isTrue();

        rig.receive(CloseAck.INSTANCE);

        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void theNodesCloseReadsOnWhilePausedAndGivesUpAtTheTimeout() {
        Object holder = new Object();
        rig.session.hold(holder);
        assertThat(rig.sent()).containsExactly(Pause.INSTANCE);

        rig.session.close(ErrorCode.SHUTTING_DOWN, "stopping");
        rig.channel.runPendingTasks();
        assertThat(rig.channel.config().isAutoRead()).isTrue();
        rig.advance(SessionRig.CLOSE_TIMEOUT - 1);
        assertThat(rig.channel.isOpen()).isTrue();

        rig.advance(1);

        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void bothSidesClosingAtOnceFinishAtOnce() {
        rig.session.close(ErrorCode.SHUTTING_DOWN, "stopping");
        rig.channel.runPendingTasks();
        rig.sent();

        rig.receive(new Close(0, "bye too"));

        assertThat(rig.sent()).containsExactly(CloseAck.INSTANCE);
        assertThat(rig.channel.isOpen()).isFalse();
    }

    @Test
    void theFeaturesHearOfTheEndAfterTheLastQueuedFrame() {
        rig.receive(new Subscribe(1, "a", "", ""));
        rig.channel.close();
        assertThat(host.closed).isEmpty();

        rig.runWorkers();

        assertThat(feature.handled).hasSize(1);
        assertThat(host.closed).containsExactly(rig.session);
        assertThat(rig.session.state()).isEqualTo(SessionState.CLOSED);
    }
}
