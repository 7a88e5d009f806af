package io.aldis.itest.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.RawWebSocket;
import io.aldis.itest.support.TcpFrameTransport;
import io.aldis.itest.support.WsFrameTransport;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.node.core.internal.session.NodeSession;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.spi.node.SessionState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests the node must answer (SUBSCRIBEs, RPC calls), sent in a flood by a client that never
 * reads its socket (docs/protocol.md 4.7, unread output). The node stops reading such a client once
 * the answers it has not read pass the pending high-water mark, so what it buffers for the client
 * stays bounded however long the flood; it closes the client when it has read nothing for the write
 * deadline, or at once when the answers to work it had already taken pass the hard cap. A bystander
 * on another connection is served throughout.
 */
@ExtendWith(LeakWatch.class)
class NonReadingFloodTest {
    private static final int HIGH_WATER = 256 * 1024;
    /** Far more than the kernel's buffers of both sockets hold, so the node's own must fill. */
    private static final int FLOOD_ROUNDS = 300_000;
    private static final int SMALL_RECEIVE_BUFFER = 4096;

    /** A service whose answers are as long as the caller asks. */
    public interface Filler {
        String fill(int length);
    }

    private NodeFixture node;

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private void start(long maxPending, int writeDeadlineMillis) throws Exception {
        start(maxPending, writeDeadlineMillis, RpcSettings.defaults());
    }

    private void start(long maxPending, int writeDeadlineMillis, RpcSettings rpc) throws Exception {
        node = NodeFixture.builder()
                .settings(NodeSettings.defaults().withPendingLimits(HIGH_WATER, maxPending, writeDeadlineMillis))
                .user("mallory", "user").user("bob", "user")
                .pubsub(PubSubSettings.defaults().withLimits(10, 1 << 20)).rpc(rpc).tcp().ws().start();
        node.export("filler", (Filler) length -> "x".repeat(length), Filler.class);
    }

    @Test
    void aClientFloodingSubscribesAndCallsWithoutReadingIsHeldThenClosedAtTheWriteDeadline() throws Exception {
        // A hard cap far above what the stop lets through: here the deadline is what ends the client.
        start(64L << 20, 2_000);
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = attacker()) {
            NodeSession session = session(mallory.sessionId());
            PendingPeak peak = PendingPeak.watch(session);
            try {
                // Each round: a SUBSCRIBE past the session's limit of 10 (answered with an ERROR and
                // its details) and an RPC call; never a byte read.
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 1; i <= 1000; i++) {
                    batch.writeBytes(framed(new Subscribe(i, "flood." + i, "", "")));
                    batch.writeBytes(framed(new RpcRequest(i, 0, "filler.fill",
                            "[16]".getBytes(StandardCharsets.UTF_8))));
                }
                byte[] bytes = batch.toByteArray();
                bystander.during(20, () -> assertThat(floodUntilClosed(mallory, bytes, FLOOD_ROUNDS / 1000))
                        .as("the node closed the connection before the flood was over").isTrue());
            } finally {
                peak.stop();
            }
            waitUntil(() -> node.node().find(session.id()).isEmpty(), "the flooder's session ends");
            System.out.printf("hostile figures: a client flooding SUBSCRIBEs and calls without reading: the node"
                    + " held at most %d bytes for it (pending high-water mark %d)%n", peak.bytes(), HIGH_WATER);
            // The node took requests only while it could answer them: what it held for the client
            // stayed near the mark (the answers to what it had read before it stopped), far below
            // what answering the whole flood would have taken.
            assertThat(peak.bytes()).as("the most the node held for the client")
                    .isGreaterThan(HIGH_WATER).isLessThan(HIGH_WATER + (2L << 20));
        }
    }

    @Test
    void overWebSocketTheSameFloodIsHeldThenClosedAtTheWriteDeadline() throws Exception {
        start(64L << 20, 2_000);
        Socket socket = new Socket();
        socket.setReceiveBufferSize(SMALL_RECEIVE_BUFFER);
        socket.connect(new InetSocketAddress("127.0.0.1", node.wsPort()));
        RawWebSocket ws = new RawWebSocket(socket).open();
        try (Bystander bystander = Bystander.join(node, "bob");
                FrameClient mallory = FrameClient.over(new WsFrameTransport(ws))) {
            mallory.login("mallory", NodeFixture.PASSWORD);
            NodeSession session = session(mallory.sessionId());
            PendingPeak peak = PendingPeak.watch(session);
            try {
                // One binary message per frame, masked with a zero key (which leaves the payload as it is).
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 1; i <= 1000; i++) {
                    for (io.aldis.protocol.api.Frame f : new io.aldis.protocol.api.Frame[] {
                            new Subscribe(i, "flood." + i, "", ""),
                            new RpcRequest(i, 0, "filler.fill", "[16]".getBytes(StandardCharsets.UTF_8))}) {
                        byte[] frame = FrameClient.encode(f);
                        batch.write(0x82);
                        batch.write(0x80 | frame.length); // every frame here is shorter than 126 bytes
                        batch.writeBytes(new byte[4]);
                        batch.writeBytes(frame);
                    }
                }
                byte[] bytes = batch.toByteArray();
                bystander.during(20, () -> {
                    boolean closedDuringFlood = false;
                    try {
                        for (int i = 0; i < FLOOD_ROUNDS / 1000; i++) {
                            socket.getOutputStream().write(bytes);
                        }
                    } catch (IOException closedByNode) {
                        closedDuringFlood = true;
                    }
                    assertThat(closedDuringFlood).as("the node closed the connection before the flood was over")
                            .isTrue();
                });
            } finally {
                peak.stop();
            }
            waitUntil(() -> node.node().find(session.id()).isEmpty(), "the flooder's session ends");
            assertThat(peak.bytes()).as("the most the node held for the client")
                    .isGreaterThan(HIGH_WATER).isLessThan(HIGH_WATER + (2L << 20));
        }
    }

    @Test
    void answersToWorkAlreadyTakenThatPassTheHardCapCloseTheClientAtOnce() throws Exception {
        long maxPending = 1L << 20;
        // A write deadline far longer than the test waits: only the hard cap can end the client.
        start(maxPending, (int) TimeUnit.MINUTES.toMillis(10));
        try (Bystander bystander = Bystander.join(node, "bob"); FrameClient mallory = attacker()) {
            NodeSession session = session(mallory.sessionId());
            PendingPeak peak = PendingPeak.watch(session);
            try {
                // 200 calls in one write, read at once, answered with 64 KiB each: 12.5 MiB of
                // answers, more than the kernel's buffers and the cap hold together.
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 1; i <= 200; i++) {
                    batch.writeBytes(framed(new RpcRequest(i, 0, "filler.fill",
                            "[65536]".getBytes(StandardCharsets.UTF_8))));
                }
                mallory.sendBytes(batch.toByteArray());
                bystander.rounds(5);
                waitUntil(() -> {
                    try {
                        bystander.round();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    return node.node().find(session.id()).isEmpty();
                }, "the node ends the flooder's session");
            } finally {
                peak.stop();
            }
            System.out.printf("hostile figures: 12.5 MiB of answers to a client that does not read: the node held"
                    + " at most %d bytes for it (hard cap %d)%n", peak.bytes(), maxPending);
            assertThat(peak.bytes()).as("the most the node held for the client").isLessThanOrEqualTo(maxPending
                    + 128 * 1024);
            bystander.rounds(5);
        }
    }

    @Test
    void aClientThatClosesAndThenReadsNothingIsClosedAtTheWriteDeadline() throws Exception {
        // A hard cap the answers stay under: only the write deadline can end this client. The calls
        // run on the RPC workers, so their answers come after the node took the CLOSE: it never
        // stops reading from a closing session, and nothing used to end this one.
        start(64L << 20, 2_000, RpcSettings.defaults().withMethodOnLoopMicros(0));
        try (FrameClient mallory = attacker()) {
            NodeSession session = session(mallory.sessionId());
            // 200 calls answered with 64 KiB each, then CLOSE, in one write; never a byte read. The
            // CLOSE_ACK waits behind 12.5 MiB of answers, more than the kernel's buffers hold.
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            for (int i = 1; i <= 200; i++) {
                batch.writeBytes(framed(new RpcRequest(i, 0, "filler.fill",
                        "[65536]".getBytes(StandardCharsets.UTF_8))));
            }
            batch.writeBytes(framed(new Close(0, "done")));
            mallory.sendBytes(batch.toByteArray());
            // The session leaves the node's list once it closed; its connection must close too.
            waitUntil(() -> session.state() == SessionState.CLOSED, "the node closes the connection of the session that closed");
        }
    }

    /** A logged-in client whose small receive buffer fills after a few answers. */
    private FrameClient attacker() throws Exception {
        FrameClient c = FrameClient.over(TcpFrameTransport.connect(node.tcpPort(), SMALL_RECEIVE_BUFFER));
        c.login("mallory", NodeFixture.PASSWORD);
        return c;
    }

    private NodeSession session(UUID id) {
        return (NodeSession) node.node().find(id).orElseThrow();
    }

    /** Sends {@code bytes} {@code times} times; returns whether the node closed before all were sent. */
    private static boolean floodUntilClosed(FrameClient c, byte[] bytes, int times) {
        try {
            for (int i = 0; i < times; i++) {
                c.sendBytes(bytes);
            }
        } catch (IOException closedByNode) {
            return true;
        }
        return false;
    }

    private static byte[] framed(io.aldis.protocol.api.Frame frame) {
        byte[] encoded = FrameClient.encode(frame);
        return ByteBuffer.allocate(4 + encoded.length).putInt(encoded.length).put(encoded).array();
    }

    private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * The largest number of bytes the node held for one session, as its own count says, sampled
     * on a thread of its own until stopped. A sample may miss a peak, never make one up.
     */
    private static final class PendingPeak {
        private final AtomicLong peak = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        static PendingPeak watch(NodeSession session) {
            PendingPeak p = new PendingPeak();
            p.thread = new Thread(() -> {
                while (p.running) {
                    p.peak.accumulateAndGet(session.pendingBytes(), Math::max);
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "pending-peak");
            p.thread.setDaemon(true);
            p.thread.start();
            return p;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        long bytes() {
            return peak.get();
        }
    }
}
