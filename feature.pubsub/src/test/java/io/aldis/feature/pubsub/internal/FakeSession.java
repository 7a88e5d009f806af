package io.aldis.feature.pubsub.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionLimits;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A session as the node hands it to the feature, for unit tests of the feature's classes: it
 * records what is sent, kept and held, and runs on an {@link EmbeddedChannel}'s event loop, whose
 * tasks run when a test calls {@link #runPendingTasks()}.
 */
public final class FakeSession implements Session {
    public final List<Frame> sent = new CopyOnWriteArrayList<>();
    public final List<Object> holders = new CopyOnWriteArrayList<>();
    public final Map<String, Map<String, Frame>> kept = new LinkedHashMap<>();
    public volatile SessionState state = SessionState.OPEN;
    public volatile ErrorCode closedWith;
    public volatile String closeMessage;
    public volatile boolean writable = true;
    private final UUID id = UUID.randomUUID();
    private final AuthenticatedUser user;
    private final Instant openedAt;
    private final EmbeddedChannel channel = new EmbeddedChannel();

    public FakeSession(AuthenticatedUser user, Instant openedAt) {
        this.user = user;
        this.openedAt = openedAt;
    }

    /** An open session of a user with roles, opened now. */
    public static FakeSession of(String name, String... roles) {
        return new FakeSession(new AuthenticatedUser(name, Set.of(roles), "test"), Instant.now());
    }

    /** Runs what was handed to the session's event loop. */
    public void runPendingTasks() {
        channel.runPendingTasks();
    }

    /** The ERROR frames sent, in order. */
    public List<ErrorFrame> errors() {
        List<ErrorFrame> out = new ArrayList<>();
        for (Frame f : sent) {
            if (f instanceof ErrorFrame e) {
                out.add(e);
            }
        }
        return out;
    }

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public UUID clientId() {
        return id;
    }

    @Override
    public String clientName() {
        return "test";
    }

    @Override
    public AuthenticatedUser user() {
        return user;
    }

    @Override
    public long clientCapabilities() {
        return -1L;
    }

    @Override
    public TransportConnection connection() {
        return new TransportConnection() {
            @Override
            public Channel channel() {
                return channel;
            }

            @Override
            public String transport() {
                return "tcp";
            }

            @Override
            public String listener() {
                return "test";
            }

            @Override
            public boolean secure() {
                return false;
            }

            @Override
            public int maxFrameSize() {
                return 1 << 20;
            }

            @Override
            public long bytesRead() {
                return 0;
            }

            @Override
            public long bytesWritten() {
                return 0;
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
            }
        };
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public SessionState state() {
        return state;
    }

    @Override
    public void send(Frame frame) {
        sent.add(frame);
    }

    @Override
    public void send(List<? extends Frame> frames) {
        sent.addAll(frames);
    }

    @Override
    public void sendError(long requestId, ErrorCode code, String message) {
        sent.add(new ErrorFrame(requestId, code.code(), message, ""));
    }

    @Override
    public void close(ErrorCode code, String message) {
        closedWith = code;
        closeMessage = message;
        state = SessionState.CLOSED;
    }

    @Override
    public void hold(Object holder) {
        holders.add(holder);
    }

    @Override
    public void release(Object holder) {
        holders.remove(holder);
    }

    @Override
    public boolean writable() {
        return writable;
    }

    @Override
    public AutoCloseable onWritable(Runnable callback) {
        return () -> { };
    }

    @Override
    public synchronized void keep(String capability, String key, Frame frame) {
        kept.computeIfAbsent(capability, c -> new LinkedHashMap<>()).put(key, frame);
    }

    @Override
    public synchronized void forget(String capability, String key) {
        Map<String, Frame> frames = kept.get(capability);
        if (frames != null) {
            frames.remove(key);
        }
    }

    @Override
    public synchronized Map<String, Frame> kept(String capability) {
        return new LinkedHashMap<>(kept.getOrDefault(capability, Map.of()));
    }

    @Override
    public SessionLimits limits() {
        // The defaults a node announces in CONNECT_ACK (docs/protocol.md 4.3).
        return new SessionLimits(1 << 20, 10_000, 10L << 30, 256 << 10);
    }
}
