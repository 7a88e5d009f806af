package io.aldis.itest.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy the resumption tests break connections with: it relays, it cuts, and it lets the next one through. */
@ExtendWith(LeakWatch.class)
class CuttingProxyTest {
    private static NodeFixture node;

    @BeforeAll
    static void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user").start();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void framesGoThroughUntilTheCutAndANewConnectionGoesThroughAfterIt() throws Exception {
        try (CuttingProxy proxy = new CuttingProxy(node.tcpPort())) {
            FrameClient before = FrameClient.tcp(proxy.port());
            before.connect();
            before.send(new Ping(1));
            assertThat(before.next(Pong.class).nonce()).isEqualTo(1);

            proxy.cut();

            before.expectClosed();
            FrameClient after = FrameClient.tcp(proxy.port());
            after.connect();
            after.send(new Ping(2));
            assertThat(after.next(Pong.class).nonce()).isEqualTo(2);
            assertThat(proxy.accepted()).isEqualTo(2);
            after.close();
        }
    }
}
