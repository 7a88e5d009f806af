package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.SessionInfo;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ErrorCode;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a connection listener and the session tell an application, against a real node. */
@ExtendWith(LeakWatch.class)
class ConnectionEventsTest {
    private static final String ALICE = "alice";
    private static final String BOB = "bob";
    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").user(BOB, "user").rpc()
                .pubsub(PubSubSettings.defaults())
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void theSessionNamesTheNodeFromConnectAckAndKeepsTheNameAcrossAReconnect() throws Exception {
        Recorder events = new Recorder();
        AldisClient client = node.connect(node.clientBuilder(ALICE).listener(events));
        String name = node.node().settings().name();
        assertThat(name).isNotBlank();
        assertThat(client.session().nodeName()).isEqualTo(name);

        node.kill(client);
        assertThat(events.reconnected.poll(10, TimeUnit.SECONDS)).isNotNull()
                .satisfies(s -> assertThat(s.nodeName()).isEqualTo(name));
    }

    @Test
    void closeIsReportedAsANormalDisconnectWithCodeZero() throws Exception {
        Recorder events = new Recorder();
        AldisClient client = node.connect(node.clientBuilder(ALICE).listener(events));
        client.close().get(10, TimeUnit.SECONDS);

        DisconnectReason reason = events.disconnected.poll(10, TimeUnit.SECONDS);
        assertThat(reason).isNotNull();
        assertThat(reason.normal()).isTrue();
        assertThat(reason.rawCode()).isZero();
        assertThat(reason.errorCode()).isEmpty();
        assertThat(events.reconnecting).isEmpty();
    }

    @Test
    void aKilledSessionIsReportedAsAnErrorAndEveryReconnectAttemptCarriesIt() throws Exception {
        Recorder events = new Recorder();
        AldisClient client = node.connect(node.clientBuilder(ALICE).listener(events));
        node.kill(client);

        DisconnectReason lost = events.disconnected.poll(10, TimeUnit.SECONDS);
        assertThat(lost).isNotNull();
        assertThat(lost.normal()).isFalse();
        assertThat(lost.errorCode()).contains(ErrorCode.SESSION_KILLED);
        DisconnectReason told = events.reconnecting.poll(10, TimeUnit.SECONDS);
        assertThat(told).isSameAs(lost);
        assertThat(events.reconnected.poll(10, TimeUnit.SECONDS)).isNotNull();
    }

    /** Keeps what the listener is told, through the methods that carry the most. */
    static final class Recorder implements ConnectionListener {
        final BlockingQueue<DisconnectReason> disconnected = new LinkedBlockingQueue<>();
        final BlockingQueue<DisconnectReason> reconnecting = new LinkedBlockingQueue<>();
        final BlockingQueue<SessionInfo> reconnected = new LinkedBlockingQueue<>();

        @Override
        public void disconnected(DisconnectReason reason) {
            disconnected.add(reason);
        }

        @Override
        public void reconnecting(int attempt, Duration delay, DisconnectReason lost) {
            reconnecting.add(lost);
        }

        @Override
        public void reconnected(SessionInfo session) {
            reconnected.add(session);
        }
    }
}
