package io.aldis.feature.rpc.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionLimits;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A session as the node gives it to a feature, for unit tests of the feature's parts: it records
 * what is sent to the peer and holds what the feature keeps, like the node's session does.
 */
public final class RecordingSession implements Session {
    private final UUID id = UUID.randomUUID();
    private final AuthenticatedUser user;
    private final BlockingQueue<Frame> sent = new LinkedBlockingQueue<>();
    private final Map<String, Map<String, Frame>> kept = new ConcurrentHashMap<>();
    private volatile SessionState state = SessionState.OPEN;
    private volatile String resumeKey;

    public RecordingSession(String user) {
        this.user = new AuthenticatedUser(user, Set.of("user"), "SCRAM-SHA-256");
    }

    /** The next frame sent to the peer, waiting up to 10 s; fails when none comes. */
    public Frame next() throws InterruptedException {
        Frame f = sent.poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("nothing was sent to " + user.name());
        }
        return f;
    }

    /** The next frame sent, of the expected type. */
    public <T extends Frame> T next(Class<T> type) throws InterruptedException {
        Frame f = next();
        if (!type.isInstance(f)) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + f);
        }
        return type.cast(f);
    }

    /** Frames sent and not taken yet. */
    public List<Frame> pending() {
        return List.copyOf(sent);
    }

    public void state(SessionState newState) {
        this.state = newState;
    }

    /** Gives the session a resume key, as a token would: a session with the same key resumes it. */
    public RecordingSession resumeKey(String key) {
        this.resumeKey = key;
        return this;
    }

    @Override
    public String resumeKey() {
        return resumeKey;
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
        return user.name();
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
        return null;
    }

    @Override
    public Instant openedAt() {
        return Instant.EPOCH;
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
        send(ErrorFrame.of(requestId, code, message));
    }

    @Override
    public void close(ErrorCode code, String message) {
        state = SessionState.CLOSED;
    }

    @Override
    public void hold(Object holder) {
    }

    @Override
    public void release(Object holder) {
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public AutoCloseable onWritable(Runnable callback) {
        return () -> {
        };
    }

    @Override
    public void keep(String capability, String key, Frame frame) {
        kept.computeIfAbsent(capability, c -> new ConcurrentHashMap<>()).put(key, frame);
    }

    @Override
    public void forget(String capability, String key) {
        kept.getOrDefault(capability, Map.of()).remove(key);
    }

    @Override
    public Map<String, Frame> kept(String capability) {
        return new LinkedHashMap<>(kept.getOrDefault(capability, Map.of()));
    }

    @Override
    public SessionLimits limits() {
        // The defaults a node announces in CONNECT_ACK (docs/protocol.md 4.3).
        return new SessionLimits(1 << 20, 10_000, 10L << 30, 256 << 10);
    }
}
