package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.FrameType;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Idle and slow-loris connections that never authenticate, many at once: the auth timeout closes
 * every one of them, whatever it was in the middle of, while an authenticated bystander is served.
 */
@ExtendWith(LeakWatch.class)
class UnauthenticatedSocketsTest {
    /** Of each kind; the node and the test share this JVM's descriptors, two per connection. */
    private static final int EACH = 200;

    @Test
    void idleAndSlowLorisConnectionsAreClosedAtTheAuthTimeoutWhileABystanderIsServed() throws Exception {
        attackAndCheck(EACH);
    }

    /** The same with thousands of them: 2000 of each TCP kind and 1000 half-sent upgrades. */
    @Test
    @org.junit.jupiter.api.Tag("hostile")
    void thousandsOfIdleAndSlowLorisConnections() throws Exception {
        attackAndCheck(2_000);
    }

    private static void attackAndCheck(int each) throws Exception {
        try (NodeFixture node = NodeFixture.builder()
                .settings(NodeSettings.defaults().withTimeouts(10_000, each > EACH ? 5_000 : 1_000))
                .user("bob", "user").pubsub().tcp().ws().start();
                Bystander bystander = Bystander.join(node, "bob")) {
            List<FrameClient> silent = new ArrayList<>();
            List<FrameClient> partialFrame = new ArrayList<>();
            List<FrameClient> stalledLogin = new ArrayList<>();
            List<Socket> partialUpgrade = new ArrayList<>();
            try {
                for (int i = 0; i < each; i++) {
                    if (i % 200 == 199) {
                        bystander.round();
                    }
                    silent.add(node.raw());

                    // A frame announced at the handshake limit, of which a few bytes ever come.
                    FrameClient partial = node.raw();
                    partial.sendBytes(ByteBuffer.allocate(14).putInt(65_536).put(new byte[10]).array());
                    partialFrame.add(partial);

                    // CONNECT, then half an AUTH_START.
                    FrameClient stalled = node.raw();
                    stalled.connect();
                    byte[] authStart = FrameClient.encode(new AuthStart("SCRAM-SHA-256", new byte[64]));
                    stalled.sendBytes(ByteBuffer.allocate(4 + authStart.length / 2).putInt(authStart.length)
                            .put(authStart, 0, authStart.length / 2).array());
                    stalledLogin.add(stalled);

                    if (i % 2 == 1 && each > EACH) {
                        continue; // half as many of these at scale: the descriptors of one JVM
                    }
                    // A WebSocket upgrade whose HTTP head never ends.
                    Socket upgrade = new Socket("127.0.0.1", node.wsPort());
                    upgrade.getOutputStream().write(("GET /aldis HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    partialUpgrade.add(upgrade);
                }
                bystander.rounds(20);

                int checked = 0;
                for (List<FrameClient> kind : List.of(silent, partialFrame, stalledLogin)) {
                    for (FrameClient c : kind) {
                        if (++checked % 200 == 0) {
                            bystander.round(); // and so it is never idle long enough for the heartbeat to end it
                        }
                        ErrorFrame error = c.await(FrameType.ERROR);
                        assertThat(error.errorCode()).isEqualTo(ErrorCode.AUTH_TIMEOUT);
                        assertThat(c.closedByNode()).isTrue();
                    }
                }
                for (Socket upgrade : partialUpgrade) {
                    if (++checked % 200 == 0) {
                        bystander.round();
                    }
                    assertThat(endsWithoutAnswer(upgrade)).as("the half-sent upgrade was closed").isTrue();
                }
                bystander.rounds(20);
            } finally {
                closeAll(silent, partialFrame, stalledLogin);
                for (Socket s : partialUpgrade) {
                    s.close();
                }
            }
        }
    }

    /** Whether the socket ends within the fixture's wait; what the listener sends first is skipped. */
    private static boolean endsWithoutAnswer(Socket socket) throws IOException {
        socket.setSoTimeout(FrameClient.WAIT_MILLIS);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[512];
        try {
            while (in.read(buffer) >= 0) {
                // an HTTP error answer, if the listener sends one, is fine too
            }
            return true;
        } catch (SocketException reset) {
            return true;
        } catch (java.net.SocketTimeoutException open) {
            return false;
        }
    }

    @SafeVarargs
    private static void closeAll(List<FrameClient>... lists) throws IOException {
        for (FrameClient c : Arrays.stream(lists).flatMap(List::stream).toList()) {
            c.close();
        }
    }
}
