package io.aldis.node.core.internal.session;

import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.codec.FrameBatch;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** One session on an EmbeddedChannel with frozen time, fed frames as a transport would. */
public final class SessionRig {
    static final int AUTH_TIMEOUT = 10_000;
    static final int CLOSE_TIMEOUT = 5_000;
    static final int HEARTBEAT = 10_000;
    static final int TRANSPORT_MAX_FRAME = 512 * 1024;

    final TestHost host;
    final EmbeddedChannel channel = new EmbeddedChannel();
    final SessionHandler handler;
    public final NodeSession session;
    /** The resume token AUTH_OK gave the session {@link #open} opened. */
    String token;

    public SessionRig(TestHost host) {
        this(host, settings(4, 1));
    }

    SessionRig(TestHost host, NodeSettings settings) {
        this.host = host;
        channel.freezeTime();
        handler = new SessionHandler(host, connection(channel), settings);
        session = handler.session();
        channel.pipeline().addLast("aldis-session", handler);
    }

    static NodeSettings settings(int pauseHighWater, int pauseLowWater) {
        return new NodeSettings("test-node", HEARTBEAT, AUTH_TIMEOUT, CLOSE_TIMEOUT, 1 << 20, 1L << 30, 256 * 1024,
                pauseHighWater, pauseLowWater, 3600, TestHost.FAILURE_DELAY, TestHost.FAILURE_MAX_DELAY, 1, 100,
                NodeSettings.defaults().pendingHighWaterBytes(), NodeSettings.defaults().maxPendingBytes(),
                NodeSettings.defaults().writeDeadlineMillis());
    }

    private static TransportConnection connection(Channel channel) {
        return new EmbeddedConnection(channel, TRANSPORT_MAX_FRAME, new InetSocketAddress("192.0.2.7", 40000));
    }

    /** Feeds frames as the transport's decoder would from one read, then runs what the event loop has queued. */
    SessionRig receive(Object... frames) {
        channel.writeInbound(frames);
        channel.runPendingTasks();
        return this;
    }

    SessionRig connect(long capabilities, String resumeToken) {
        return receive(new Connect(ProtocolVersion.V1, capabilities, UUID.randomUUID(), resumeToken, "rig"));
    }

    static AuthStart login(String user, String password) {
        return new AuthStart("TEST", (user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** CONNECT, then a right password; the frames the node sent on the way are dropped but for the token. */
    public SessionRig open(long capabilities) {
        connect(capabilities, "").receive(login("alice", TestHost.PASSWORD));
        for (Frame frame : sent()) {
            if (frame instanceof AuthOk ok) {
                token = ok.resumeToken();
            }
        }
        return this;
    }

    /** Moves the session's time and the node's clock on together. */
    void advance(long millis) {
        host.clock.advance(millis);
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    /** Runs the node's workers, then what they handed back to the event loop. */
    void runWorkers() {
        host.runWorkers();
        channel.runPendingTasks();
    }

    /** Every frame written since the last call, batches unrolled. */
    public List<Frame> sent() {
        channel.runPendingTasks();
        List<Frame> frames = new ArrayList<>();
        Object out;
        while ((out = channel.readOutbound()) != null) {
            if (out instanceof FrameBatch batch) {
                frames.addAll(batch.frames());
            } else {
                frames.add((Frame) out);
            }
        }
        return frames;
    }
}
