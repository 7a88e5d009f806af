package io.aldis.itest.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Set;
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

    @Test
    void onlyAdmittedSourcesGetThroughTheOthersAreResetNowAndHeldLater() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
                CuttingProxy proxy = new CuttingProxy(echo.getLocalPort())) {
            Thread echoing = new Thread(() -> echoEveryConnection(echo), "echo");
            echoing.setDaemon(true);
            echoing.start();
            try (Socket kept = from("127.0.0.31", proxy.port()); Socket shut = from("127.0.0.32", proxy.port())) {
                assertThat(roundTrip(kept, 1)).isEqualTo(1);
                assertThat(roundTrip(shut, 2)).isEqualTo(2);

                proxy.admitOnly(Set.of("127.0.0.31"));

                assertThat(readOrReset(shut.getInputStream())).isEqualTo(-1);
                assertThat(roundTrip(kept, 3)).isEqualTo(3);
                try (Socket again = from("127.0.0.32", proxy.port())) {
                    // Held: what it sends is not echoed, and admitting all again resets it.
                    again.getOutputStream().write(9);
                    again.setSoTimeout(1000);
                    assertThatThrownBy(() -> again.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                    again.setSoTimeout(30_000);
                    proxy.admitAll();
                    assertThat(readOrReset(again.getInputStream())).isEqualTo(-1);
                }
                try (Socket back = from("127.0.0.32", proxy.port())) {
                    assertThat(roundTrip(back, 4)).isEqualTo(4);
                }
            }
        }
    }

    private static Socket from(String source, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(30_000);
        return s;
    }

    private static int roundTrip(Socket s, int value) throws IOException {
        s.getOutputStream().write(value);
        s.getOutputStream().flush();
        return s.getInputStream().read();
    }

    /** What a read gives on a connection the proxy dropped: the end of the stream, a reset counted as such. */
    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }

    private static void echoEveryConnection(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                    } catch (IOException gone) {
                        // the proxy dropped it
                    }
                }, "echo-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }
}
