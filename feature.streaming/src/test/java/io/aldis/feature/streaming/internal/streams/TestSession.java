package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.Capability;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A session as the node hands it to the feature, for unit tests: it records what is sent and held,
 * and runs on an {@link EmbeddedChannel}'s event loop, whose tasks run when the test says so
 * ({@link StreamRig#settle()}).
 */
public final class TestSession implements Session {
    final List<Frame> sent = new CopyOnWriteArrayList<>();
    /** Frames written ({@link #write}) and not yet flushed; they stay in {@link #sent} as well. */
    final List<Frame> unflushed = new CopyOnWriteArrayList<>();
    /** How many frames each flush took to the client, a send's own and those written before it. */
    final List<Integer> flushes = new CopyOnWriteArrayList<>();
    final List<Object> holders = new CopyOnWriteArrayList<>();
    final List<Runnable> writableCallbacks = new CopyOnWriteArrayList<>();
    final EmbeddedChannel channel = new EmbeddedChannel();
    volatile SessionState state = SessionState.OPEN;
    volatile ErrorCode closedWith;
    volatile String closeMessage;
    volatile boolean writable = true;
    private final UUID id = UUID.randomUUID();
    private final long capabilities;
    private volatile String resumeKey;

    TestSession(long capabilities) {
        this.capabilities = capabilities;
    }

    /** A session whose client announced every capability. */
    public static TestSession withStreams() {
        return new TestSession(-1L);
    }

    /** A session whose client did not announce STREAMS. */
    static TestSession withoutStreams() {
        return new TestSession(~Capability.STREAMS.mask());
    }

    /** Gives the session a resume key, as a resume token would: a session with the same key resumes it. */
    public TestSession resumable(String key) {
        this.resumeKey = key;
        return this;
    }

    @Override
    public String resumeKey() {
        return resumeKey;
    }

    /** Every frame sent, in order. */
    public List<Frame> sent() {
        return List.copyOf(sent);
    }

    /** The connection breaks: the session is closed, and its client may resume it. */
    public void broken() {
        state = SessionState.CLOSED;
    }

    /** Time passes on the session's event loop: what was scheduled within {@code millis} runs. */
    public void advanceTimeBy(long millis) {
        channel.advanceTimeBy(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
    }

    /** The frames sent of one type, in order. */
    public <T extends Frame> List<T> sent(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Frame f : sent) {
            if (type.isInstance(f)) {
                out.add(type.cast(f));
            }
        }
        return out;
    }

    /** The connection's buffer is full: it takes nothing more until it drains. */
    public void full() {
        writable = false;
    }

    /** The connection drains: writable again, and the callbacks run as the node runs them, on the loop. */
    public void drained() {
        writable = true;
        for (Runnable callback : writableCallbacks) {
            channel.eventLoop().execute(callback);
        }
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
        return new AuthenticatedUser("alice", Set.of("user"), "test");
    }

    @Override
    public long clientCapabilities() {
        return capabilities;
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
        };
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
    public SessionLimits limits() {
        return new SessionLimits(1 << 20, 10_000, 10L << 30, 256 << 10);
    }

    @Override
    public void send(Frame frame) {
        sent.add(frame);
        flushTaking(1);
    }

    @Override
    public void send(List<? extends Frame> frames) {
        sent.addAll(frames);
        flushTaking(frames.size());
    }

    @Override
    public void write(List<? extends Frame> frames) {
        sent.addAll(frames);
        unflushed.addAll(frames);
    }

    @Override
    public void flush() {
        flushTaking(0);
    }

    private void flushTaking(int sentNow) {
        int frames = unflushed.size() + sentNow;
        unflushed.clear();
        if (frames > 0) {
            flushes.add(frames);
        }
    }

    @Override
    public void sendError(long requestId, ErrorCode code, String message) {
        sent.add(ErrorFrame.of(requestId, code, message));
    }

    @Override
    public void close(ErrorCode code, String message) {
        closedWith = code;
        closeMessage = message;
        state = SessionState.CLOSING;
    }

    @Override
    public void hold(Object holder) {
        if (!holders.contains(holder)) {
            holders.add(holder);
        }
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
        writableCallbacks.add(callback);
        return () -> writableCallbacks.remove(callback);
    }

    @Override
    public void keep(String capability, String key, Frame frame) {
    }

    @Override
    public void forget(String capability, String key) {
    }

    @Override
    public Map<String, Frame> kept(String capability) {
        return Map.of();
    }
}
