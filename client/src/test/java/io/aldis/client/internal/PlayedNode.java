package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.ConnectionListener;
import io.aldis.client.ReconnectPolicy;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.codec.EncodedChunkData;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.stream.SizeFunction;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The whole client (calls, streams, provided services) against a node the test plays frame by
 * frame on an EmbeddedChannel with a frozen clock, as {@link ClientHandlerTest} does for the
 * connection alone. Callbacks and provided methods run on the thread that hands a frame in, so
 * what the client does about a frame is done when {@link #send} returns.
 */
final class PlayedNode implements AutoCloseable {
    static final UUID SESSION_ID = UUID.fromString("3f0c9a51-6d2e-4b7a-9c11-52e8a0d4b7f3");
    static final long ALL = Capability.maskOf(EnumSet.of(Capability.RPC, Capability.STREAMS, Capability.RESUME_TOKEN));
    static final long NO_STREAMS = Capability.maskOf(EnumSet.of(Capability.RPC, Capability.RESUME_TOKEN));

    /** Every connection the client opened, in order. */
    final BlockingQueue<EmbeddedChannel> connections = new LinkedBlockingQueue<>();
    /** The same, kept for {@link #close}: the test takes connections from the queue. */
    private final List<EmbeddedChannel> everyConnection = new CopyOnWriteArrayList<>();
    final DefaultAldisClient client;
    EmbeddedChannel channel;

    PlayedNode(Set<Capability> announced, Map<String, SizeFunction> sizeFunctions, ReconnectPolicy reconnect,
            ConnectionListener listener) {
        ClientConfig config = new ClientConfig(List.of(new ClientConfig.Address("127.0.0.1", 7440)), "alice", "pencil".toCharArray(), "SCRAM-SHA-256",
                null, true, reconnect, false, listener == null ? List.of() : List.of(listener), "played-node-test",
                UUID.randomUUID(), Capability.maskOf(announced), Duration.ofSeconds(10), Duration.ofSeconds(1), 10_000,
                16 << 20, null, Duration.ofSeconds(30), Runnable::run, Runnable::run, Duration.ZERO, "_inbox", Duration.ZERO,
                sizeFunctions);
        client = new DefaultAldisClient(config, (handler, address) -> {
            EmbeddedChannel ch = new EmbeddedChannel();
            ch.freezeTime();
            ch.pipeline().addLast(handler);
            everyConnection.add(ch);
            connections.add(ch);
            return ch.newSucceededFuture();
        });
    }

    /** A client that announces RPC and STREAMS, knows no size function and does not reconnect. */
    PlayedNode() {
        this(EnumSet.of(Capability.RPC, Capability.STREAMS), Map.of(), ReconnectPolicy.none(), null);
    }

    /** Connects the client and opens its session with the node's capabilities and frame limit; returns its CONNECT. */
    Connect open(long nodeCapabilities, int maxFrameSize) throws InterruptedException {
        var connected = client.connect();
        Connect connect = accept(nodeCapabilities, maxFrameSize);
        assertThat(connected).as("the session opened").isCompleted();
        return connect;
    }

    /** Takes the client's next connection and opens its session by resume token. */
    Connect accept(long nodeCapabilities, int maxFrameSize) throws InterruptedException {
        channel = connections.poll(10, TimeUnit.SECONDS);
        assertThat(channel).as("a connection of the client").isNotNull();
        Connect connect = next(Connect.class);
        channel.writeInbound(new ConnectAck(ConnectAck.FLAG_AUTHENTICATED, ProtocolVersion.V1, nodeCapabilities,
                SESSION_ID, maxFrameSize, 10_000, 1L << 30, 256 * 1024, List.of("SCRAM-SHA-256"), "played"));
        return connect;
    }

    /**
     * Connects the client and opens its session by logging in with SCRAM, which gives the client
     * the resume token {@code token}; returns its CONNECT.
     */
    Connect login(long nodeCapabilities, int maxFrameSize, String token) throws Exception {
        var connected = client.connect();
        Connect connect = acceptByLogin(nodeCapabilities, maxFrameSize, token);
        assertThat(connected).as("the session opened").isCompleted();
        return connect;
    }

    /**
     * Takes the client's next connection and opens a new session: the node does not take the
     * client's token, and the client logs in with SCRAM and gets {@code token}.
     */
    Connect acceptByLogin(long nodeCapabilities, int maxFrameSize, String token) throws Exception {
        channel = connections.poll(10, TimeUnit.SECONDS);
        assertThat(channel).as("a connection of the client").isNotNull();
        Connect connect = next(Connect.class);
        channel.writeInbound(new ConnectAck(0, ProtocolVersion.V1, nodeCapabilities, UUID.randomUUID(), maxFrameSize,
                10_000, 1L << 30, 256 * 1024, List.of("SCRAM-SHA-256"), "played"));
        ScramTestServer scram = new ScramTestServer("pencil".toCharArray());
        channel.writeInbound(new AuthChallenge(scram.serverFirst(next(AuthStart.class).data())));
        byte[] serverFinal = scram.serverFinal(next(AuthResponse.class).data());
        channel.writeInbound(new AuthOk("alice", token, Long.MAX_VALUE, serverFinal));
        return connect;
    }

    /**
     * Waits until the client's callbacks run on the calling thread again. Events the client raises
     * under its lock (a lost connection, a reconnect attempt) run on a pool thread; until that one
     * is done, frames handed in would be handled there too, after {@link #send} returned.
     */
    void awaitCallbacksHere() throws Exception {
        Thread me = Thread.currentThread();
        for (int attempt = 0; attempt < 1_000; attempt++) {
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            client.onCallbackThread(() -> ran.complete(Thread.currentThread()));
            if (ran.get(10, TimeUnit.SECONDS) == me) {
                return;
            }
        }
        throw new AssertionError("the client's callbacks stay on another thread");
    }

    /** Hands frames to the client as the node would send them. */
    void send(Frame... frames) {
        channel.writeInbound((Object[]) frames);
    }

    /** The next frame the client wrote, which must be a {@code type}. */
    <T extends Frame> T next(Class<T> type) {
        Object written = readOutbound();
        assertThat(written).as("next frame written by the client").isInstanceOf(type);
        return type.cast(written);
    }

    /** The next frame the client wrote, or null. */
    Frame poll() {
        return readOutbound();
    }

    void noMoreOutbound() {
        assertThat((Object) readOutbound()).as("unexpected frame written by the client").isNull();
    }

    /**
     * The next frame the client wrote, as the node decodes it: a chunk the client sent from the
     * buffer it read it into ({@link EncodedChunkData}) comes as the {@link io.aldis.protocol.api.ChunkData}
     * its bytes encode, and its buffer is released.
     */
    private Frame readOutbound() {
        Object written = channel.readOutbound();
        if (written instanceof EncodedChunkData encoded) {
            try {
                return FrameCodec.decode(encoded.content().duplicate());
            } finally {
                encoded.release();
            }
        }
        return (Frame) written;
    }

    /** Checks that nothing was left unread on either side, then closes the client. */
    @Override
    public void close() throws Exception {
        if (channel != null) {
            channel.checkException();
            assertThat(channel.finishAndReleaseAll()).as("frames left over").isFalse();
        }
        CompletableFuture<Void> closed = client.close();
        // A client that reconnects may have started an attempt since; it closes on its own event
        // loop, which an EmbeddedChannel runs only when told. No attempt starts after close().
        for (EmbeddedChannel connection : everyConnection) {
            connection.runPendingTasks();
        }
        closed.get(10, TimeUnit.SECONDS);
    }
}
