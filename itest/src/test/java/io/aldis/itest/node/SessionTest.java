package io.aldis.itest.node;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Session behaviour over real sockets: handshake, heartbeats, flow control, close, resume, capabilities. */
@ExtendWith(LeakWatch.class)
class SessionTest {
    private static final String USER = "alice";
    private NodeFixture node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    /** A feature handler for MESSAGE frames that records them and can be held up. */
    static final class RecordingHandler implements FrameHandler {
        final List<Long> seen = new CopyOnWriteArrayList<>();
        final CountDownLatch gate = new CountDownLatch(1);

        @Override
        public Set<FrameType> frameTypes() {
            return Set.of(FrameType.MESSAGE);
        }

        @Override
        public void handle(Session session, Frame frame) throws Exception {
            gate.await(30, TimeUnit.SECONDS);
            seen.add(((Message) frame).correlationId());
        }
    }

    @Test
    void connectAuthenticateAndSeeLimitsAndCapabilities() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        try (FrameClient conn = node.raw()) {
            ConnectAck ack = conn.connect();
            assertThat(ack.authenticated()).isFalse();
            assertThat(ack.mechanisms()).containsExactly("SCRAM-SHA-256");
            assertThat(ack.maxFrameSize()).isEqualTo(1_048_576);
            assertThat(ack.heartbeatMillis()).isEqualTo(10_000);
            assertThat(Capability.fromMask(ack.capabilities()))
                    .contains(Capability.RESUME_TOKEN, Capability.FLOW_CONTROL).doesNotContain(Capability.PUBSUB);
            AuthOk ok = conn.scram(USER, PASSWORD);
            assertThat(ok.user()).isEqualTo(USER);
            assertThat(ok.resumeToken()).hasSizeGreaterThanOrEqualTo(22); // at least 128 random bits
            Session session = node.node().find(ack.sessionId()).orElseThrow();
            assertThat(session.user().name()).isEqualTo(USER);
            assertThat(session.user().roles()).containsExactly("user");
            assertThat(session.state()).isEqualTo(SessionState.OPEN);
        }
    }

    @Test
    void heartbeatsFlowBothWaysAndASilentPeerIsClosed() throws Exception {
        node = NodeFixture.builder().settings(NodeSettings.defaults().withTimeouts(200, 5_000))
                .user(USER, "user").start();
        try (FrameClient conn = node.raw()) {
            conn.connect();
            conn.scram(USER, PASSWORD);
            // The node pings an idle peer, and answers our pings.
            Ping ping = conn.await(FrameType.PING);
            conn.send(new Pong(ping.nonce()));
            Ping second = conn.await(FrameType.PING);
            assertThat(second.nonce()).isGreaterThan(ping.nonce());
            conn.send(new Ping(77));
            assertThat(conn.<Pong>await(FrameType.PONG).nonce()).isEqualTo(77);
            // Now stay silent: two intervals later the node gives up on us.
            conn.answerPings(false);
            Frame frame;
            do {
                frame = conn.read();
            } while (frame.type() == FrameType.PING);
            assertThat(frame).isInstanceOf(ErrorFrame.class);
            assertThat(((ErrorFrame) frame).errorCode()).isEqualTo(ErrorCode.HEARTBEAT_TIMEOUT);
            assertThat(conn.closedByNode()).isTrue();
        }
    }

    @Test
    void pauseAtHighWaterAndResumeAtLowWaterKeepingOrder() throws Exception {
        node = NodeFixture.builder().settings(NodeSettings.defaults().withWaterMarks(10, 2)).user(USER, "user").start();
        RecordingHandler handler = new RecordingHandler();
        node.node().addHandler(handler, Map.of(FrameHandler.CAPABILITY, "messages"));
        try (FrameClient conn = node.raw()) {
            assertThat(Capability.fromMask(conn.connect().capabilities())).contains(Capability.MESSAGES);
            conn.scram(USER, PASSWORD);
            for (int i = 0; i < 50; i++) {
                conn.send(new Message(false, i, "work", new byte[16]));
            }
            conn.await(FrameType.PAUSE);
            handler.gate.countDown();
            conn.await(FrameType.RESUME);
            conn.send(new Ping(1));
            conn.await(FrameType.PONG);
        }
        List<Long> expected = new ArrayList<>();
        for (long i = 0; i < 50; i++) {
            expected.add(i);
        }
        waitFor(() -> handler.seen.size() == 50);
        assertThat(handler.seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aFeatureCanHoldASessionAndNonBlockingHandlersRunInOrder() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        Object holder = new Object();
        List<Long> seen = new CopyOnWriteArrayList<>();
        List<Session> sessions = new CopyOnWriteArrayList<>();
        FrameHandler inline = new FrameHandler() {
            @Override
            public Set<FrameType> frameTypes() {
                return Set.of(FrameType.MESSAGE);
            }

            @Override
            public boolean nonBlocking() {
                return true;
            }

            @Override
            public void handle(Session session, Frame frame) {
                seen.add(((Message) frame).correlationId());
                if (sessions.isEmpty()) {
                    sessions.add(session);
                    session.hold(holder);
                }
            }
        };
        node.node().addHandler(inline, Map.of(FrameHandler.CAPABILITY, "messages"));
        try (FrameClient conn = node.raw()) {
            conn.connect();
            conn.scram(USER, PASSWORD);
            conn.send(new Message(false, 1, "work", new byte[0]));
            conn.await(FrameType.PAUSE);
            assertThat(sessions.get(0).state()).isEqualTo(SessionState.PAUSED);
            conn.send(new Message(false, 2, "work", new byte[0]));
            sessions.get(0).release(holder);
            conn.await(FrameType.RESUME);
            waitFor(() -> seen.size() == 2);
            assertThat(seen).containsExactly(1L, 2L);
            assertThat(sessions.get(0).writable()).isTrue();
        }
    }

    @Test
    void gracefulCloseDrainsInFlightWorkBeforeCloseAck() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        RecordingHandler handler = new RecordingHandler();
        node.node().addHandler(handler, Map.of(FrameHandler.CAPABILITY, "messages"));
        try (FrameClient conn = node.raw()) {
            conn.connect();
            conn.scram(USER, PASSWORD);
            for (int i = 0; i < 20; i++) {
                conn.send(new Message(false, i, "work", new byte[8]));
            }
            conn.send(new Close(0, "done"));
            // Release the work only now: CLOSE_ACK must wait for all of it.
            Thread.sleep(100);
            assertThat(handler.seen).isEmpty();
            handler.gate.countDown();
            conn.await(FrameType.CLOSE_ACK);
            assertThat(handler.seen).hasSize(20);
            assertThat(conn.closedByNode()).isTrue();
        }
    }

    @Test
    void framesOfAFeatureThatIsNotInstalledGetCapabilityUnavailable() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        RecordingHandler handler = new RecordingHandler();
        handler.gate.countDown();
        node.node().addHandler(handler, Map.of(FrameHandler.CAPABILITY, "messages"));
        node.node().removeHandler(handler);
        try (FrameClient conn = node.raw()) {
            assertThat(Capability.fromMask(conn.connect().capabilities())).doesNotContain(Capability.MESSAGES);
            conn.scram(USER, PASSWORD);
            conn.send(new Message(false, 5, "work", new byte[1]));
            ErrorFrame error = conn.await(FrameType.ERROR);
            assertThat(error.errorCode()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE);
            assertThat(error.requestId()).isEqualTo(5);
            conn.send(new Ping(3));
            assertThat(conn.<Pong>await(FrameType.PONG).nonce()).isEqualTo(3);
        }
        assertThat(handler.seen).isEmpty();
    }

    @Test
    void resumeTokenSkipsAuthenticationUntilRevoked() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        String token;
        UUID firstSession;
        try (FrameClient conn = node.raw()) {
            firstSession = conn.connect().sessionId();
            token = conn.scram(USER, PASSWORD).resumeToken();
        }
        UUID resumed;
        try (FrameClient conn = node.raw()) {
            ConnectAck ack = conn.connect(token);
            assertThat(ack.authenticated()).isTrue();
            resumed = ack.sessionId();
            assertThat(resumed).isNotEqualTo(firstSession);
            conn.send(new Ping(4));
            assertThat(conn.<Pong>await(FrameType.PONG).nonce()).isEqualTo(4);
            Session session = node.node().find(resumed).orElseThrow();
            assertThat(session.user().name()).isEqualTo(USER);
            assertThat(session.user().mechanism()).isEqualTo("RESUME");
            // An operator kills the session and revokes its token.
            assertThat(node.node().kill(resumed, true)).isTrue();
            Close close = conn.await(FrameType.CLOSE);
            assertThat(close.code()).isEqualTo(ErrorCode.SESSION_KILLED.code());
            conn.send(io.aldis.protocol.api.CloseAck.INSTANCE);
            assertThat(conn.closedByNode()).isTrue();
        }
        try (FrameClient conn = node.raw()) {
            assertThat(conn.connect(token).authenticated()).isFalse();
            assertThat(conn.scram(USER, PASSWORD).user()).isEqualTo(USER);
        }
    }

    @Test
    void expiredResumeTokenFallsBackToAuthentication() throws Exception {
        node = NodeFixture.builder().settings(NodeSettings.defaults().withAuthLimits(250, 10_000, 1))
                .user(USER, "user").start();
        String token;
        try (FrameClient conn = node.raw()) {
            conn.connect();
            token = conn.scram(USER, PASSWORD).resumeToken();
        }
        Thread.sleep(1_200); // the token lives one second
        try (FrameClient conn = node.raw()) {
            assertThat(conn.connect(token).authenticated()).isFalse();
            assertThat(conn.scram(USER, PASSWORD).user()).isEqualTo(USER);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(10);
        }
    }
}
