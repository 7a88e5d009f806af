package io.aldis.itest.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.metrics.internal.MetricsComponent;
import io.aldis.itest.rpc.Shop;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.MetricsScrape;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.NodeMBeans;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.node.core.internal.session.NodeSession;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.scram.ScramClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The metrics endpoint scraped over HTTP while a real node carries real traffic: each figure
 * moves by exactly what was sent. The node's and the features' MBeans are registered as their
 * components register them in Karaf, and the endpoint is the component Karaf runs.
 */
@ExtendWith(LeakWatch.class)
class MetricsScrapeTest {
    /** The TCP length prefix in front of every frame. */
    private static final int PREFIX = 4;

    private NodeFixture node;
    private NodeMBeans beans;
    private MetricsComponent metrics;

    @BeforeEach
    void start() throws Exception {
        // heartbeats every 10 minutes: no PING lands between two scrapes of a test
        node = NodeFixture.builder().settings(NodeSettings.defaults().withTimeouts(600_000, 10_000))
                .user("alice", "user").user("bob", "user").pubsub().rpc().start();
        node.export("calculator", new Shop.CalculatorImpl(), Shop.Calculator.class);
        beans = NodeMBeans.register(node, "metrics-test");
        metrics = new MetricsComponent(Map.of("port", "0"));
    }

    @AfterEach
    void stop() throws Exception {
        metrics.close();
        beans.close();
        node.close();
    }

    private MetricsScrape scrape() throws Exception {
        return MetricsScrape.of(metrics.port(), "/metrics");
    }

    private static int wire(Frame frame) {
        return FrameClient.encode(frame).length + PREFIX;
    }

    @Test
    void framesAndBytesPerTransportMoveByExactlyWhatWasSent() throws Exception {
        try (FrameClient alice = node.login("alice")) {
            MetricsScrape before = scrape();
            Publish publish = new Publish("news.a", null, Map.of(), "hello".getBytes(StandardCharsets.UTF_8));
            alice.send(publish);
            alice.send(publish);
            RpcRequest call = new RpcRequest(1, 0, "calculator.add", "[1,2]".getBytes(StandardCharsets.UTF_8));
            alice.send(call);
            Frame result = alice.callAnswer(1);

            MetricsScrape after = scrape();

            assertThat(after.since(before, "aldis_frames_received_total{transport=\"tcp\"}")).isEqualTo(3);
            assertThat(after.since(before, "aldis_frames_sent_total{transport=\"tcp\"}")).isEqualTo(1);
            assertThat(after.since(before, "aldis_received_bytes_total{transport=\"tcp\"}"))
                    .isEqualTo(2 * wire(publish) + wire(call));
            assertThat(after.since(before, "aldis_sent_bytes_total{transport=\"tcp\"}")).isEqualTo(wire(result));
        }
    }

    @Test
    void trafficOfAnEndedSessionStaysCounted() throws Exception {
        MetricsScrape before = scrape();
        NodeSession session;
        try (FrameClient alice = node.login("alice")) {
            alice.call(1, "calculator.add", "[1,2]", 0);
            alice.callResult(1);
            session = (NodeSession) node.node().find(alice.sessionId()).orElseThrow();
        }
        session.ended().get(10, TimeUnit.SECONDS);

        MetricsScrape after = scrape();

        assertThat(after.value("aldis_sessions")).isZero();
        assertThat(after.since(before, "aldis_frames_received_total{transport=\"tcp\"}"))
                .isEqualTo(session.stats().framesIn()).isGreaterThanOrEqualTo(4);
        assertThat(after.since(before, "aldis_received_bytes_total{transport=\"tcp\"}"))
                .isEqualTo(session.stats().bytesIn());
        assertThat(after.since(before, "aldis_sent_bytes_total{transport=\"tcp\"}"))
                .isEqualTo(session.stats().bytesOut());
    }

    @Test
    void pubSubAndRpcFiguresCountEachMessageAndCall() throws Exception {
        try (FrameClient alice = node.login("alice"); FrameClient bob = node.login("bob")) {
            bob.subscribeOk(1, "news.>");
            MetricsScrape before = scrape();
            for (int i = 0; i < 3; i++) {
                alice.publish("news.a", "hello");
            }
            for (int i = 0; i < 3; i++) {
                bob.deliver();
            }
            alice.call(1, "calculator.add", "[1,2]", 0);
            alice.callResult(1);
            alice.call(2, "calculator.add", "[\"x\",2]", 0);
            alice.callError(2);

            MetricsScrape after = scrape();

            assertThat(after.since(before, "aldis_pubsub_published_total")).isEqualTo(3);
            assertThat(after.since(before, "aldis_pubsub_published_bytes_total")).isEqualTo(15);
            assertThat(after.since(before, "aldis_pubsub_delivered_total")).isEqualTo(3);
            assertThat(after.since(before, "aldis_pubsub_dropped_total")).isZero();
            assertThat(after.value("aldis_pubsub_subscriptions")).isEqualTo(1);
            assertThat(after.since(before, "aldis_rpc_calls_total")).isEqualTo(2);
            assertThat(after.since(before, "aldis_rpc_errors_total")).isEqualTo(1);
            assertThat(after.value("aldis_rpc_method_calls_total{method=\"calculator.add\"}")).isEqualTo(2);
            assertThat(after.value("aldis_rpc_latency_seconds_count{method=\"calculator.add\"}")).isEqualTo(2);
            assertThat(after.value("aldis_rpc_latency_seconds_bucket{method=\"calculator.add\",le=\"+Inf\"}"))
                    .isEqualTo(2);
            assertThat(after.value("aldis_rpc_latency_seconds_sum{method=\"calculator.add\"}")).isPositive();
            assertThat(after.value("aldis_sessions")).isEqualTo(2);
            assertThat(after.value("aldis_sessions_authenticated")).isEqualTo(2);
        }
    }

    @Test
    void aFailedLoginIsOneAuthFailure() throws Exception {
        MetricsScrape before = scrape();
        try (FrameClient raw = node.raw()) {
            raw.connect();
            ScramClient scram = new ScramClient("alice", "not her password".toCharArray());
            raw.send(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
            AuthChallenge challenge = raw.await(FrameType.AUTH_CHALLENGE);
            raw.send(new AuthResponse(scram.clientFinalMessage(challenge.data())));
            ErrorFrame refused = raw.await(FrameType.ERROR);
            assertThat(refused.errorCode()).isEqualTo(ErrorCode.AUTH_FAILED);
        }

        MetricsScrape after = scrape();

        assertThat(after.since(before, "aldis_auth_failures_total")).isEqualTo(1);
        assertThat(after.since(before, "aldis_auth_attempts_total")).isEqualTo(1);
    }
}
