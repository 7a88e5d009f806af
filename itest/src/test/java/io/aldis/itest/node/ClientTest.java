package io.aldis.itest.node;

import static io.aldis.itest.support.NodeFixture.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.ClientState;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SessionInfo;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.node.Session;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Java client against a real node: sessions, heartbeats, close, and every reconnect path. */
@ExtendWith(LeakWatch.class)
class ClientTest {
    private static final String USER = "alice";
    private NodeFixture node;
    private AldisClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close().get(10, TimeUnit.SECONDS);
        }
        if (node != null) {
            node.close();
        }
    }

    /** Records connection events in order. */
    static final class Events implements ConnectionListener {
        final BlockingQueue<String> log = new LinkedBlockingQueue<>();
        final List<Duration> delays = new CopyOnWriteArrayList<>();
        volatile SessionInfo reconnectedTo;
        volatile AldisException failure;

        @Override
        public void connected(SessionInfo session) {
            log.add("connected");
        }

        @Override
        public void disconnected(DisconnectReason reason) {
            log.add("disconnected");
        }

        @Override
        public void reconnecting(int attempt, Duration delay) {
            delays.add(delay);
            log.add("reconnecting " + attempt);
        }

        @Override
        public void reconnected(SessionInfo session) {
            reconnectedTo = session;
            log.add("reconnected");
        }

        @Override
        public void reconnectFailed(AldisException cause) {
            failure = cause;
            log.add("reconnect-failed");
        }

        /** Waits for an event, skipping others; fails after 30 s. */
        void await(String event) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                String next = log.poll(100, TimeUnit.MILLISECONDS);
                if (event.equals(next)) {
                    return;
                }
            }
            throw new AssertionError("no '" + event + "' event; left: " + log);
        }
    }

    private AldisClient.Builder builder(Events events, ReconnectPolicy policy) {
        return AldisClient.builder().address("127.0.0.1", node.tcpPort())
                .credentials(USER, PASSWORD.toCharArray())
                .reconnect(policy).listener(events).clientName("client-test");
    }

    private static Session only(NodeFixture node) throws InterruptedException {
        SessionTest.waitFor(() -> node.node().sessions().size() == 1);
        return node.node().sessions().iterator().next();
    }

    @Test
    void connectSeeHeartbeatsAndCloseGracefully() throws Exception {
        // An interval of 500 ms: with 200 ms, a stall of the test JVM over 400 ms (two intervals; GC
        // under paranoid leak detection on a busy machine) let the node close the session as silent.
        node = NodeFixture.builder().settings(NodeSettings.defaults().withTimeouts(500, 5_000))
                .user(USER, "user").start();
        Events events = new Events();
        AldisClient c = builder(events, ReconnectPolicy.none()).build();
        c.connect().get(10, TimeUnit.SECONDS);
        events.await("connected");
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(c.session().user()).isEqualTo(USER);
        assertThat(c.session().heartbeatMillis()).isEqualTo(500);
        assertThat(c.resumeToken()).isPresent();
        // Heartbeats keep the quiet session for five intervals and more (the node would close one
        // that stays silent for two). Each side PINGs only when it has written nothing for an
        // interval, so whichever falls due first keeps doing so and the other only answers: the node
        // PINGs and the client PONGs, or the other way round, depending on where each side's timer
        // grid falls. Either is the protocol (4.6). ClientHandlerTest checks the client's PING on
        // its own, with a frozen clock.
        SessionTest.waitFor(() -> c.stats().pingsReceived() + c.stats().pongsReceived() >= 5);
        assertThat(c.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(only(node).user().name()).isEqualTo(USER);
        c.close().get(10, TimeUnit.SECONDS);
        assertThat(c.state()).isEqualTo(ClientState.CLOSED);
        SessionTest.waitFor(() -> node.node().sessions().isEmpty());
    }

    @Test
    void cutConnectionReconnectsWithBackoffAndResumesWithItsToken() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        Events events = new Events();
        client = builder(events, ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 10))
                .build();
        client.connect().get(10, TimeUnit.SECONDS);
        Session first = only(node);
        first.connection().channel().close(); // the network drops the connection
        events.await("disconnected");
        events.await("reconnecting 1");
        events.await("reconnected");
        assertThat(events.reconnectedTo.resumed()).isTrue();
        assertThat(events.delays.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(150));
        Session second = only(node);
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.user().mechanism()).isEqualTo("RESUME");
        assertThat(client.stats().reconnects()).isEqualTo(1);
    }

    @Test
    void restartedListenerIsFoundAgainAfterSeveralAttempts() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        Events events = new Events();
        client = builder(events, ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(400), 20))
                .build();
        client.connect().get(10, TimeUnit.SECONDS);
        node.stopTcp();
        events.await("disconnected");
        events.await("reconnecting 2"); // the first attempt found nothing listening
        node.startTcp();
        events.await("reconnected");
        assertThat(events.reconnectedTo.resumed()).isTrue();
        assertThat(client.state()).isEqualTo(ClientState.CONNECTED);
        assertThat(events.delays.get(1)).isGreaterThan(events.delays.get(0).minusMillis(1));
    }

    @Test
    void expiredTokenFallsBackToScram() throws Exception {
        node = NodeFixture.builder().settings(NodeSettings.defaults().withAuthLimits(250, 10_000, 1))
                .user(USER, "user").start();
        Events events = new Events();
        client = builder(events, ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 10))
                .build();
        client.connect().get(10, TimeUnit.SECONDS);
        Thread.sleep(1_200); // the token lives one second
        only(node).connection().channel().close();
        events.await("reconnected");
        assertThat(events.reconnectedTo.resumed()).isFalse();
        assertThat(only(node).user().mechanism()).isEqualTo("SCRAM-SHA-256");
    }

    @Test
    void reconnectFailedWhenTheAttemptsRunOut() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        Events events = new Events();
        AldisClient c = builder(events, ReconnectPolicy.exponential(Duration.ofMillis(20), Duration.ofMillis(80), 3))
                .build();
        c.connect().get(10, TimeUnit.SECONDS);
        node.stopTcp();
        events.await("reconnect-failed");
        assertThat(events.failure.code()).isEqualTo(ErrorCode.RECONNECT_FAILED);
        assertThat(events.delays).hasSize(3);
        assertThat(c.state()).isEqualTo(ClientState.FAILED);
        node.startTcp(); // so that the node's own close is clean
    }

    @Test
    void wrongPasswordFailsTheConnectWithAuthFailed() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        AldisClient c = AldisClient.builder().address("127.0.0.1", node.tcpPort())
                .credentials(USER, "not-the-password".toCharArray()).reconnect(ReconnectPolicy.none()).build();
        assertThatThrownBy(() -> c.connect().get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(AldisException.class)
                .satisfies(e -> assertThat(((AldisException) e).code()).isEqualTo(ErrorCode.AUTH_FAILED));
    }

    @Test
    void killedSessionIsReportedWithItsCode() throws Exception {
        node = NodeFixture.builder().user(USER, "user").start();
        Events events = new Events();
        java.util.concurrent.atomic.AtomicReference<DisconnectReason> reason = new java.util.concurrent.atomic.AtomicReference<>();
        client = builder(events, ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 10))
                .listener(new ConnectionListener() {
                    @Override
                    public void disconnected(DisconnectReason r) {
                        reason.compareAndSet(null, r);
                    }
                }).build();
        client.connect().get(10, TimeUnit.SECONDS);
        assertThat(node.node().kill(only(node).id(), true)).isTrue();
        events.await("reconnected");
        assertThat(reason.get().code()).isEqualTo(ErrorCode.SESSION_KILLED);
        // The token was revoked, so the client had to authenticate again.
        assertThat(events.reconnectedTo.resumed()).isFalse();
    }
}
