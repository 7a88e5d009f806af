package io.aldis.protocol.api.spi.node;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.osgi.annotation.versioning.ProviderType;

/** An authenticated client session, owned by the node core. All methods are thread-safe. */
@ProviderType
public interface Session {
    /** The session id sent in CONNECT_ACK. */
    UUID id();

    /** The client id from CONNECT. */
    UUID clientId();

    /** The client name from CONNECT. */
    String clientName();

    /** The authenticated user; {@code null} until authentication completes. */
    AuthenticatedUser user();

    /** The capability mask the client announced in CONNECT. */
    long clientCapabilities();

    /** The connection the session runs on. */
    TransportConnection connection();

    /** When the session was opened. */
    Instant openedAt();

    /** The session's lifecycle state. */
    SessionState state();

    /**
     * What this session shares with the sessions that resume it (docs/protocol.md 4.4): an opaque
     * key, the same for the session that was given a resume token and for every later session
     * that came in with that token. A feature that keeps something of a lost session for the
     * client's return keys it by this, and picks it up when a session with the same key opens.
     * Null when the session holds no token, or when its token no longer lets anyone in (the client
     * logged out, an operator or a change of credentials revoked it, it expired): then nothing of
     * the session is worth keeping.
     */
    default String resumeKey() {
        return null;
    }

    /** The limits announced to this session in CONNECT_ACK; they never change while it lives. */
    SessionLimits limits();

    /**
     * Sends a frame to the client. Frames sent from one thread are written in that thread's call
     * order; a frame sent on the session's event loop is written at once, ahead of frames other
     * threads handed over but the loop has not yet run. A feature that sends one stream of frames
     * from several threads must funnel them through one thread itself. A reference-counted frame
     * ({@link io.aldis.protocol.api.codec.EncodedChunkData}) is handed over: the session releases
     * it once written or dropped.
     */
    void send(Frame frame);

    /**
     * Sends frames in list order, as {@link #send(Frame)} one after the other would, but through
     * the connection in one pass: for a feature that has several frames ready at once (a
     * subscription draining its queue). Frames from one thread keep that thread's call order.
     */
    void send(List<? extends Frame> frames);

    /**
     * Writes frames as {@link #send(List)} does, but leaves them in the connection's buffer: they
     * reach the socket with the next {@link #flush()}, or with whatever the session sends next, in
     * the order written. For a feature that writes in several passes and would pay for one system
     * call instead of one per pass; it must flush once it has nothing more to add, and it bounds
     * what it leaves unflushed itself, as {@link #writable()} does not count it while it waits
     * on the session's event loop.
     *
     * @since 1.10
     */
    default void write(List<? extends Frame> frames) {
        send(frames);
    }

    /**
     * Sends what {@link #write(List)} left in the connection's buffer.
     *
     * @since 1.10
     */
    default void flush() {
        // send(List), which write falls back to, leaves nothing behind
    }

    /** Sends an ERROR frame answering {@code requestId} (0 for none). */
    void sendError(long requestId, ErrorCode code, String message);

    /** Starts a graceful close: CLOSE with the code and message, drain, then disconnect. */
    void close(ErrorCode code, String message);

    /**
     * Holds back this session's inbound frames on behalf of {@code holder}: the node sends PAUSE
     * and stops reading the socket until every holder has released it (then RESUME). Features
     * use it to push back on a client that feeds something full, such as a slow subscriber.
     * Holding twice with the same holder counts once.
     */
    void hold(Object holder);

    /** Ends a {@link #hold}; the session resumes when no holder and no queued work remain. */
    void release(Object holder);

    /**
     * Whether frames sent now go out without growing the session's outbound buffer past its
     * high-water mark. A feature that must not buffer without bound checks this before sending.
     * Frames {@link #write(List) written} on the event loop and not yet flushed do not count: they
     * are on their way, not waiting for the client. While the client has paused the node
     * (PAUSE), the session is not writable.
     */
    boolean writable();

    /**
     * Runs {@code callback} on the session's event loop each time the session turns writable
     * again. Closing the returned handle removes the callback.
     */
    AutoCloseable onWritable(Runnable callback);

    /**
     * Keeps {@code frame}, a request through which the client set something up that lasts (a
     * SUBSCRIBE, a SERVICE_PROVIDE), as the session's standing request {@code key} of
     * {@code capability}. The core holds it as plain protocol data for as long as the session
     * lives, outside the feature, so that the feature's next instance (after an update, a refresh
     * or a reinstall) can set the same thing up again from {@link #kept}. A later call with the
     * same capability and key replaces the frame.
     */
    void keep(String capability, String key, Frame frame);

    /** Drops a standing request kept with {@link #keep}; the client ended what it set up. */
    void forget(String capability, String key);

    /**
     * The standing requests kept for {@code capability}, by key, in the order they were first
     * kept: a snapshot.
     *
     * <p>Only what a client set up and the feature must set up again belongs here. What lives
     * only while the feature runs (an open stream's flow, a transfer's file handle) the feature
     * keeps itself, keyed by session, and releases in {@link FrameHandler#sessionClosing} and
     * {@link FrameHandler#sessionClosed}; a standing request may stand for such a thing (the
     * request that opened it) so that the feature's next instance can pick it up again.
     */
    Map<String, Frame> kept(String capability);
}
