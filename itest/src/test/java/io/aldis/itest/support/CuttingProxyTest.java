package io.aldis.itest.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Deliver;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy that breaks connections for resumption tests, against a real node. */
@ExtendWith(LeakWatch.class)
class CuttingProxyTest {
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user").user("bob", "user").pubsub().start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void forwardsEveryByteBothWays() throws Exception {
        try (CuttingProxy proxy = CuttingProxy.to(node.tcpPort());
                FrameClient sub = FrameClient.tcp(proxy.port());
                FrameClient pub = FrameClient.tcp(proxy.port())) {
            sub.login("alice", node.password("alice"));
            pub.login("bob", node.password("bob"));
            sub.subscribeOk(1, "proxy.big");
            for (int round = 0; round < 4; round++) {
                byte[] payload = new byte[600 * 1024]; // more than a socket buffer takes at once
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) (i * 31 + round);
                }
                pub.publish("proxy.big", null, Map.of(), payload);
                Deliver delivered = sub.deliverOn("proxy.big");
                assertThat(Arrays.equals(delivered.payload(), payload)).as("delivery " + round + " intact").isTrue();
            }
            assertThat(proxy.accepted()).isEqualTo(2);
            assertThat(proxy.openConnections()).isEqualTo(2);
        }
    }

    @Test
    void cutAllBreaksEveryConnectionAtOnceAndLetsTheClientsBackInToResume() throws Exception {
        try (CuttingProxy proxy = CuttingProxy.to(node.tcpPort());
                FrameClient alice = FrameClient.tcp(proxy.port());
                FrameClient bob = FrameClient.tcp(proxy.port())) {
            AuthOk aliceLogin = alice.login("alice", node.password("alice"));
            bob.login("bob", node.password("bob"));

            assertThat(proxy.cutAll()).isEqualTo(2);
            assertThat(proxy.openConnections()).isZero();
            assertThat(proxy.cuts()).isEqualTo(1);
            assertThat(alice.closedByNode()).as("alice's connection is broken").isTrue();
            assertThat(bob.closedByNode()).as("bob's connection is broken").isTrue();

            try (FrameClient back = FrameClient.tcp(proxy.port())) {
                ConnectAck ack = back.connect(aliceLogin.resumeToken());
                assertThat(ack.authenticated()).as("the cut sent no logout: the token still resumes").isTrue();
                back.subscribeOk(1, "proxy.after");
                assertThat(proxy.accepted()).isEqualTo(3);
                assertThat(proxy.openConnections()).isEqualTo(1);
            }
        }
    }
}
