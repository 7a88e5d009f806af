package io.aldis.node.core.internal.session;

import io.aldis.node.core.internal.NodeSettings;
import io.aldis.node.core.internal.ResumeTokens;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.codec.ConnectionFailure;
import io.aldis.protocol.api.codec.FrameBatch;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionLimits;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.node.SessionStats;
import io.aldis.protocol.api.spi.node.TransferLimits;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A connection's session as features and operators see it: who the client and the user are, the
 * lifecycle state, what the client set up that must outlive a feature, and the ways to write to
 * it. It owns the parts that carry out what the {@link Session} contract promises (the inbound
 * work with its PAUSE/RESUME, the close, the client's PAUSE); the {@link SessionHandler} feeds
 * them frames. Lifecycle and protocol state change only on the channel's event loop; everything
 * a feature calls is thread-safe.
 */
public final class NodeSession implements Session {
    static final System.Logger LOG = System.getLogger("io.aldis.node");

    private final SessionHost host;
    private final TransportConnection connection;
    private final Channel channel;
    /** The client id of a session whose CONNECT has not come yet; one for all of them. */
    private static final UUID NO_CLIENT_ID = new UUID(0, 0);

    private final UUID id = UUID.randomUUID();
    private final Instant openedAt = Instant.now();
    private final SessionLimits limits;
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final KeptRequests kept = new KeptRequests();
    private final List<Runnable> writableCallbacks = new CopyOnWriteArrayList<>();
    private final InboundWork inbound;
    private final PeerPauseGate peerPause;
    /**
     * Bytes {@link #write} left in the channel's buffer since the session's last flush on the event
     * loop, where alone it is read and changed. A flush from elsewhere leaves it too high, which
     * {@link #writable} forgives at most by what the writer leaves unflushed.
     */
    private long unflushedBytes;
    private final ReadingStops reading;
    private final UnreadOutput unreadOutput;
    private final GracefulClose closing;

    /** CONNECTING, AUTHENTICATING, OPEN, CLOSING or CLOSED; PAUSED is derived from the inbound work. */
    private volatile SessionState lifecycle = SessionState.CONNECTING;
    private volatile AuthenticatedUser user;
    private volatile UUID clientId = NO_CLIENT_ID;
    private volatile String clientName = "";
    private volatile long clientCapabilities;
    private volatile String resumeToken;
    private volatile String resumeKey;
    /** Completes once the features were told the session ended. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final FeatureNotices notices = new FeatureNotices();
    /** An error that ends the connection went out: nothing the peer sends afterwards is read. */
    private boolean failed;
    /** The capability mask the client was last told of; on the event loop only. */
    private long announcedCapabilities;
    /** A task that sends the client addresses is queued on the event loop. */
    private final AtomicBoolean addressesPending = new AtomicBoolean();

    NodeSession(SessionHost host, TransportConnection connection, NodeSettings settings) {
        this.host = host;
        this.connection = connection;
        this.channel = connection.channel();
        this.limits = limits(host, connection, settings);
        this.reading = new ReadingStops(channel);
        this.unreadOutput = new UnreadOutput(this, reading, settings.pendingHighWaterBytes(),
                settings.maxPendingBytes(), settings.writeDeadlineMillis());
        this.inbound = new InboundWork(this, host, settings.pauseHighWater(), settings.pauseLowWater());
        // A client's PAUSE holds back at most one frame of the largest size plus what the channel
        // buffers anyway before it reports itself unwritable.
        long heldLimit = (long) limits.maxFrameSize() + channel.config().getWriteBufferHighWaterMark();
        this.peerPause = new PeerPauseGate(heldLimit, () -> fail(0, ErrorCode.SLOW_CONSUMER,
                "more than " + heldLimit + " bytes of answers are waiting for the client's RESUME"));
        this.closing = new GracefulClose(this, host, settings.closeTimeoutMillis());
    }

    /**
     * The limits CONNECT_ACK will announce. The file limits are the running file-transfer
     * feature's when one is registered, since it is the one that enforces them.
     */
    private static SessionLimits limits(SessionHost host, TransportConnection connection, NodeSettings settings) {
        int maxFrameSize = Math.min(settings.maxFrameSize(), connection.maxFrameSize());
        long maxFileSize = settings.maxFileSize();
        int maxChunkSize = settings.maxChunkSize();
        for (FrameHandler handler : host.handlers()) {
            if (handler instanceof TransferLimits files) {
                maxFileSize = files.maxFileSize();
                maxChunkSize = files.maxChunkSize();
                break;
            }
        }
        // A chunk always fits in one CHUNK_DATA frame (docs/protocol.md 4.3).
        return new SessionLimits(maxFrameSize, settings.heartbeatIntervalMillis(), maxFileSize,
                Math.max(1, Math.min(maxChunkSize, maxFrameSize - 30)));
    }

    // ---------------------------------------------------------------- Session

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public UUID clientId() {
        return clientId;
    }

    @Override
    public String clientName() {
        return clientName;
    }

    @Override
    public AuthenticatedUser user() {
        return user;
    }

    @Override
    public long clientCapabilities() {
        return clientCapabilities;
    }

    @Override
    public TransportConnection connection() {
        return connection;
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public SessionState state() {
        SessionState now = lifecycle;
        return now == SessionState.OPEN && inbound.paused() ? SessionState.PAUSED : now;
    }

    @Override
    public String resumeKey() {
        String key = resumeKey;
        return key != null && host.tokens().validate(resumeToken).isPresent() ? key : null;
    }

    @Override
    public SessionLimits limits() {
        return limits;
    }

    @Override
    public void send(Frame frame) {
        framesOut.increment();
        if (channel.eventLoop().inEventLoop()) {
            unflushedBytes = 0;
        }
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    @Override
    public void send(List<? extends Frame> frames) {
        pass(frames, true);
    }

    @Override
    public void write(List<? extends Frame> frames) {
        pass(frames, false);
    }

    @Override
    public void flush() {
        if (channel.eventLoop().inEventLoop()) {
            unflushedBytes = 0;
        }
        channel.flush();
    }

    private void pass(List<? extends Frame> frames, boolean flush) {
        if (frames.isEmpty()) {
            return;
        }
        framesOut.add(frames.size());
        boolean onLoop = channel.eventLoop().inEventLoop();
        // On the event loop the write is done before this returns, so the caller's list can be
        // used as it is; from elsewhere it waits in the loop's queue and must not change meanwhile.
        FrameBatch batch = new FrameBatch(onLoop ? frames : List.copyOf(frames));
        if (flush) {
            if (onLoop) {
                unflushedBytes = 0;
            }
            channel.writeAndFlush(batch, channel.voidPromise());
            return;
        }
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        if (!onLoop || buffer == null) {
            channel.write(batch, channel.voidPromise());
            return;
        }
        long before = buffer.totalPendingWriteBytes();
        channel.write(batch, channel.voidPromise());
        unflushedBytes += Math.max(0, buffer.totalPendingWriteBytes() - before);
    }

    @Override
    public void sendError(long requestId, ErrorCode code, String message) {
        send(ErrorFrame.of(requestId, code, message));
    }

    @Override
    public void close(ErrorCode code, String message) {
        try {
            channel.eventLoop().execute(() -> closing.fromNode(code, message));
        } catch (RejectedExecutionException loopGone) {
            // The transport already shut its event loop down; the connection is closed with it.
            channel.close();
        }
    }

    @Override
    public void hold(Object holder) {
        inbound.hold(holder);
    }

    @Override
    public void release(Object holder) {
        inbound.release(holder);
    }

    @Override
    public boolean writable() {
        if (channel.isWritable()) {
            return true;
        }
        // What write() left for a flush fills Netty's buffer too, but it is on its way, not waiting
        // for the client: judged without it, unless the client paused the node.
        if (!channel.eventLoop().inEventLoop() || unflushedBytes == 0 || peerPause.paused()) {
            return false;
        }
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer != null
                && buffer.totalPendingWriteBytes() - unflushedBytes < channel.config().getWriteBufferHighWaterMark();
    }

    @Override
    public AutoCloseable onWritable(Runnable callback) {
        writableCallbacks.add(callback);
        return () -> writableCallbacks.remove(callback);
    }

    @Override
    public void keep(String capability, String key, Frame frame) {
        kept.keep(capability, key, frame);
    }

    @Override
    public void forget(String capability, String key) {
        kept.forget(capability, key);
    }

    @Override
    public Map<String, Frame> kept(String capability) {
        return kept.kept(capability);
    }

    // ---------------------------------------------------------------- for the node

    /** Whether the session is authenticated and not closing: features hold state for it. */
    public boolean isOpen() {
        return lifecycle == SessionState.OPEN;
    }

    public SessionStats stats() {
        return new SessionStats(connection.bytesRead(), connection.bytesWritten(), framesIn.sum(), framesOut.sum(),
                inbound.queued());
    }

    /** Bytes written for the client that it has not read yet (the connection's send buffer); any thread. */
    public long pendingBytes() {
        return unreadOutput.pending();
    }

    /** Whether this session was given {@code token}, or resumed with it. */
    public boolean holds(String token) {
        return token != null && token.equals(resumeToken);
    }

    /** The key of the token the session holds, whether or not the token is still valid; null without one. */
    public String resumeKeyHeld() {
        return resumeKey;
    }

    /** Completes once the session ended and every feature heard of it. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** Keeps the features' notices of this session's opening and end in that order. */
    public FeatureNotices notices() {
        return notices;
    }

    /**
     * Ends the connection because a newer session resumed with this one's token: the client is
     * back on another connection, and this one is most likely dead without the node knowing yet.
     */
    public void supersede() {
        try {
            channel.eventLoop().execute(() -> {
                if (lifecycle == SessionState.CLOSED) {
                    return;
                }
                failed = true;
                lifecycle = SessionState.CLOSING;
                // A dead link may never take the error: the connection closes without waiting for it.
                framesOut.increment();
                channel.writeAndFlush(ErrorFrame.of(0, ErrorCode.SESSION_KILLED,
                        "the session was resumed on another connection"));
                channel.close();
            });
        } catch (RejectedExecutionException loopGone) {
            channel.close();
        }
    }

    /** Revokes the resume token this session was given or resumed with, if any. */
    public void revokeToken() {
        host.tokens().revoke(resumeToken);
    }

    /** Tells the client, if they changed, which capabilities the node offers now. Called on any thread. */
    public void capabilitiesChanged() {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            announceCapabilities();
            return;
        }
        try {
            loop.execute(this::announceCapabilities);
        } catch (RejectedExecutionException loopGone) {
            // The transport stopped its event loop; the session ends with it.
        }
    }

    /**
     * Sends the cluster's client addresses as the node holds them when the event loop gets to this
     * session (none when the node no longer offers them). Called on any thread; changes told while
     * one is pending are covered by it.
     */
    public void addressesChanged() {
        if (!addressesPending.compareAndSet(false, true)) {
            return;
        }
        try {
            // Always queued, even on the loop: the list is read when the task runs, after whatever
            // the loop had to do first (a CAPABILITY_CHANGE among them).
            channel.eventLoop().execute(() -> {
                addressesPending.set(false);
                tellAddresses();
            });
        } catch (RejectedExecutionException loopGone) {
            addressesPending.set(false);
        }
    }

    /**
     * On the event loop, once the session is open: first a CAPABILITY_CHANGE if the node's
     * capabilities are no longer those the client was last told of (they may have changed while it
     * authenticated), then the addresses, if the client asked and was told the node offers them.
     */
    void tellAddresses() {
        if (!isOpen()) {
            return;
        }
        announceCapabilities();
        if ((announcedCapabilities & Capability.NODE_ADDRESSES.mask()) == 0) {
            return;
        }
        NodeAddresses addresses = host.clientAddresses(clientCapabilities);
        if (addresses != null) {
            send(addresses);
        }
    }

    private void announceCapabilities() {
        if (!isOpen()) {
            return;
        }
        long now = host.capabilities();
        if (now != announcedCapabilities) {
            announcedCapabilities = now;
            send(new CapabilityChange(now));
        }
    }

    // ---------------------------------------------------------------- for the session's parts

    SessionState lifecycle() {
        return lifecycle;
    }

    void lifecycle(SessionState next) {
        lifecycle = next;
    }

    /** Records what the client said about itself in CONNECT. */
    void connected(UUID clientId, String clientName, long clientCapabilities) {
        this.clientId = clientId;
        this.clientName = clientName;
        this.clientCapabilities = clientCapabilities;
    }

    /** The capabilities the client was told of in CONNECT_ACK. */
    void announced(long capabilities) {
        announcedCapabilities = capabilities;
    }

    /** The session is authenticated as {@code authenticated}, holding {@code token}. */
    void authenticated(AuthenticatedUser authenticated, String token) {
        user = authenticated;
        resumeToken = token;
        resumeKey = token == null ? null : ResumeTokens.keyOf(token);
    }

    boolean failed() {
        return failed;
    }

    void fail(long requestId, ErrorCode code, String message) {
        fail(ErrorFrame.of(requestId, code, message));
    }

    /** Sends an error that ends the connection, then closes it; nothing the peer sends afterwards is read. */
    void fail(ErrorFrame error) {
        if (lifecycle == SessionState.CLOSED || failed) {
            return;
        }
        failed = true;
        lifecycle = SessionState.CLOSING;
        // The transport learns why before the ERROR goes out, for a close of its own (a WebSocket close status).
        ErrorCode code = error.errorCode();
        if (code != null) {
            channel.pipeline().fireUserEventTriggered(new ConnectionFailure(code, error.message()));
        }
        sendAndClose(error);
    }

    /**
     * Writes a frame that is the last of the connection, and closes once it is out. It goes out
     * behind whatever the client has not read yet; a client that reads nothing of that for the
     * write deadline is closed without it (after its own CLOSE too, when the node no longer
     * stops reading from it).
     */
    void sendAndClose(Frame last) {
        framesOut.increment();
        ChannelFuture written = channel.writeAndFlush(last);
        written.addListener(ChannelFutureListener.CLOSE);
        if (!written.isDone()) {
            unreadOutput.lastFrameWaiting();
        }
    }

    void countIn() {
        framesIn.increment();
    }

    void writableAgain() {
        for (Runnable callback : writableCallbacks) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Writability callback failed in session " + id, e);
            }
        }
    }

    InboundWork inbound() {
        return inbound;
    }

    PeerPauseGate peerPause() {
        return peerPause;
    }

    UnreadOutput unreadOutput() {
        return unreadOutput;
    }

    ReadingStops reading() {
        return reading;
    }

    GracefulClose closing() {
        return closing;
    }

    SessionHost host() {
        return host;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "Session[" + id + ", " + (user == null ? "-" : user.name()) + ", " + state() + "]";
    }
}
