package io.aldis.node.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.node.core.internal.session.EmbeddedConnection;
import io.aldis.node.core.internal.session.NodeSession;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.spi.auth.AuthStep;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the next features (streams, file transfers) need from the node SPI, tried with a stand-in
 * feature on a real node: per-session state of their own, sized from the session's negotiated
 * limits, that survives the feature being removed and registered again because the client's
 * standing requests are kept by the session.
 */
class FeatureStateAcrossSwapTest {
    private static final int TRANSPORT_MAX_FRAME = 100_000;
    private static final Map<String, Object> STREAMS = Map.of(FrameHandler.CAPABILITY, "STREAMS");

    /** A stand-in for a streaming feature: each open stream's item size, per session. */
    static class Streams implements FrameHandler {
        final Map<UUID, Map<Long, Integer>> open = new ConcurrentHashMap<>();

        @Override
        public Set<FrameType> frameTypes() {
            return Set.of(FrameType.STREAM_OPEN, FrameType.STREAM_CANCEL);
        }

        @Override
        public boolean nonBlocking() {
            return true;
        }

        @Override
        public void handle(Session session, Frame frame) {
            if (frame instanceof StreamOpen stream) {
                session.keep("streams", Long.toString(stream.streamId()), stream);
                track(session, stream);
            } else if (frame instanceof StreamCancel cancel) {
                session.forget("streams", Long.toString(cancel.streamId()));
                open.getOrDefault(session.id(), Map.of()).remove(cancel.streamId());
            }
        }

        @Override
        public void sessionOpened(Session session) {
            for (Frame kept : session.kept("streams").values()) {
                track(session, (StreamOpen) kept);
            }
        }

        @Override
        public void sessionClosed(Session session) {
            open.remove(session.id());
        }

        private void track(Session session, StreamOpen stream) {
            // Items must fit in one STREAM_DATA frame of this session, whatever the node is configured to now.
            int itemSize = session.limits().maxFrameSize() - 64;
            open.computeIfAbsent(session.id(), id -> new ConcurrentHashMap<>()).put(stream.streamId(), itemSize);
        }
    }

    private final Node node = new Node(NodeSettings.defaults());
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void stop() {
        node.close();
        channel.finishAndReleaseAll();
    }

    private List<Frame> sent() {
        channel.runPendingTasks();
        List<Frame> frames = new ArrayList<>();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            frames.add((Frame) out);
        }
        return frames;
    }

    private UUID openSession() {
        node.addMechanism(new AuthenticationMechanism() {
            @Override
            public String name() {
                return "TEST";
            }

            @Override
            public AuthenticationExchange start(TransportConnection connection) {
                return message -> CompletableFuture.completedFuture(
                        new AuthStep.Success(new AuthenticatedUser("alice", Set.of(), "TEST"), new byte[0]));
            }
        });
        node.accept(connection());
        channel.writeInbound(new Connect(ProtocolVersion.V1, Capability.STREAMS.mask(), UUID.randomUUID(), "", "t"),
                new AuthStart("TEST", new byte[0]));
        assertThat(sent()).last().isInstanceOf(AuthOk.class);
        return node.sessions().iterator().next().id();
    }

    @Test
    void aFeatureGetsItsSessionStateBackAfterItWasAwayAndSizesItFromTheSessionsLimits() {
        Streams first = new Streams();
        node.addHandler(first, STREAMS);
        UUID session = openSession();
        channel.writeInbound(stream(1), stream(2), new StreamCancel(1));
        assertThat(first.open.get(session)).containsOnlyKeys(2L);

        node.removeHandler(first);
        assertThat(sent()).containsExactly(new CapabilityChange(node.capabilities()));
        channel.writeInbound(stream(3));
        ErrorFrame refused = (ErrorFrame) sent().get(0);
        assertThat(refused.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());

        Streams second = new Streams();
        node.addHandler(second, STREAMS);

        assertThat(second.open.get(session)).isEqualTo(Map.of(2L, TRANSPORT_MAX_FRAME - 64));
        assertThat(sent()).containsExactly(new CapabilityChange(node.capabilities()));
        assertThat(node.capabilities() & Capability.STREAMS.mask()).isNotZero();
    }

    @Test
    void aFeatureHearsOfTheEndOfASessionOnlyAfterItHeardOfItsOpening() throws Exception {
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean openingDone = new AtomicBoolean();
        CompletableFuture<Boolean> openedWhenEnded = new CompletableFuture<>();
        node.addHandler(new Streams() {
            @Override
            public void sessionOpened(Session session) {
                opening.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                openingDone.set(true);
            }

            @Override
            public void sessionClosed(Session session) {
                openedWhenEnded.complete(openingDone.get());
            }
        }, STREAMS);
        UUID id = openSession();
        NodeSession session = (NodeSession) node.find(id).orElseThrow();
        assertThat(opening.await(20, TimeUnit.SECONDS)).isTrue();
        try {
            // The client goes while the feature is still busy with the opening, which it then finishes.
            channel.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // Closed, and the last item of its queue, the notice of the end, has run.
            while ((session.isOpen() || session.stats().queuedBytes() > 0) && System.nanoTime() < deadline) {
                channel.runPendingTasks();
                Thread.sleep(1);
            }
            assertThat(session.isOpen()).isFalse();
            assertThat(session.stats().queuedBytes()).isZero();
            assertThat(openedWhenEnded).as("told of the end while the opening runs").isNotDone();
        } finally {
            release.countDown();
        }

        assertThat(openedWhenEnded.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(session.ended().get(20, TimeUnit.SECONDS)).isNull();
        assertThat(node.sessions()).isEmpty();
    }

    private static StreamOpen stream(long id) {
        return new StreamOpen(id, 100 + id, StreamDirection.NODE_TO_CLIENT, CreditMode.ITEMS, 8, "");
    }

    private TransportConnection connection() {
        return new EmbeddedConnection(channel, TRANSPORT_MAX_FRAME, new InetSocketAddress("127.0.0.1", 40000));
    }
}
