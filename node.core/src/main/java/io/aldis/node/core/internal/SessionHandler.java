package io.aldis.node.core.internal;

import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.Requests;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.aldis.protocol.api.codec.FrameBatch;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.aldis.protocol.api.spi.auth.AuthStep;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.AuthenticationExchange;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.node.SessionStats;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * One connection's session: handshake, authentication, heartbeats, connection-level flow control,
 * graceful close, and in-order dispatch of feature frames to worker threads. Protocol state is
 * only touched on the channel's event loop; the work queue and {@link #send} are thread-safe.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter implements Session {
    private static final System.Logger LOG = Node.LOG;

    private final Node node;
    private final TransportConnection connection;
    private final NodeSettings settings;
    private final UUID id = UUID.randomUUID();
    private final Instant openedAt = Instant.now();
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();

    private volatile SessionState state = SessionState.CONNECTING;
    private volatile AuthenticatedUser user;
    private volatile UUID clientId = new UUID(0, 0);
    private volatile String clientName = "";
    private volatile long clientCapabilities;
    private volatile String resumeToken;

    private ChannelHandlerContext ctx;
    private PeerPauseGate peerPause;
    /** An error that ends the connection went out: nothing the peer sends afterwards is read. */
    private boolean failed;
    private AuthenticationExchange exchange;
    private boolean authStepPending;
    private ScheduledFuture<?> authTimeout;
    private ScheduledFuture<?> closeTimeout;
    private long pingNonce;

    /** Inbound work, run in order on the shared workers; its length drives PAUSE/RESUME and the close. */
    private final SessionWork work;
    private volatile boolean paused;
    private volatile boolean queuePaused;
    private volatile boolean ackCloseWhenDrained;
    /** Features still finish work of a session whose peer asked to close; on the event loop only. */
    private boolean featuresBusy;
    /** CLOSE_ACK went out; on the event loop only. */
    private boolean closeAcked;
    private final java.util.Set<Object> holders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final KeptRequests kept = new KeptRequests();
    /** The capability mask the client was last told of; on the event loop only. */
    private long announcedCapabilities;
    private final List<Runnable> writableCallbacks = new java.util.concurrent.CopyOnWriteArrayList<>();

    SessionHandler(Node node, TransportConnection connection, NodeSettings settings) {
        this.node = node;
        this.connection = connection;
        this.settings = settings;
        this.work = new SessionWork(node.workers(), new SessionWork.Listener() {
            @Override
            public void ran(int left) {
                if ((queuePaused && left <= settings.pauseLowWater()) || (ackCloseWhenDrained && left == 0)) {
                    ctx.executor().execute(SessionHandler.this::maybeResume);
                }
            }

            @Override
            public void refused() {
                // The node is stopping: queued work cannot run any more.
                if (state == SessionState.CLOSED) {
                    node.unregister(SessionHandler.this);
                }
            }
        });
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
        return state;
    }

    @Override
    public void send(Frame frame) {
        framesOut.increment();
        connection.channel().writeAndFlush(frame, connection.channel().voidPromise());
    }

    @Override
    public void send(List<? extends Frame> frames) {
        if (frames.isEmpty()) {
            return;
        }
        framesOut.add(frames.size());
        Channel channel = connection.channel();
        // On the event loop the write is done before this returns, so the caller's list can be
        // used as it is; from elsewhere it waits in the loop's queue and must not change meanwhile.
        List<? extends Frame> stable = channel.eventLoop().inEventLoop() ? frames : List.copyOf(frames);
        channel.writeAndFlush(new FrameBatch(stable), channel.voidPromise());
    }

    @Override
    public void sendError(long requestId, ErrorCode code, String message) {
        send(ErrorFrame.of(requestId, code, message));
    }

    @Override
    public void close(ErrorCode code, String message) {
        if (ctx == null) {
            connection.channel().close();
            return;
        }
        try {
            ctx.executor().execute(() -> closeFromNode(code, message));
        } catch (java.util.concurrent.RejectedExecutionException loopGone) {
            // The transport already shut its event loop down; the connection is closed with it.
            connection.channel().close();
        }
    }

    @Override
    public void hold(Object holder) {
        if (holders.add(holder)) {
            io.netty.channel.EventLoop loop = connection.channel().eventLoop();
            if (loop.inEventLoop()) {
                // A feature holding the session while it handles one of its frames: stop reading
                // now, so the read in progress ends with the buffer at hand instead of going on
                // for a whole read loop before the pause is applied.
                applyPause();
            } else {
                loop.execute(this::applyPause);
            }
        }
    }

    @Override
    public void release(Object holder) {
        if (holders.remove(holder)) {
            connection.channel().eventLoop().execute(this::applyPause);
        }
    }

    @Override
    public boolean writable() {
        return connection.channel().isWritable();
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

    SessionStats stats() {
        return new SessionStats(connection.bytesRead(), connection.bytesWritten(), framesIn.sum(), framesOut.sum(),
                work.queued());
    }

    void revokeToken() {
        node.tokens().revoke(resumeToken);
    }

    // ---------------------------------------------------------------- pipeline events

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        // A client's PAUSE holds back at most one frame of the largest size plus what the channel
        // buffers anyway before it reports itself unwritable.
        long heldLimit = (long) negotiatedMaxFrameSize() + context.channel().config().getWriteBufferHighWaterMark();
        peerPause = new PeerPauseGate(heldLimit, () -> failAndClose(0, ErrorCode.SLOW_CONSUMER,
                "more than " + heldLimit + " bytes of answers are waiting for the client's RESUME"));
        context.pipeline().addBefore(context.name(), "aldis-peer-pause", peerPause);
        node.register(this);
        // Counted from the transport's accept: a WebSocket's HTTP upgrade is part of the time.
        long sinceAccept = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connection.acceptedAtNanos());
        authTimeout = context.executor().schedule(this::onAuthTimeout,
                Math.max(0, settings.authTimeoutMillis() - sinceAccept), TimeUnit.MILLISECONDS);
    }

    private int negotiatedMaxFrameSize() {
        return Math.min(settings.maxFrameSize(), connection.maxFrameSize());
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        state = SessionState.CLOSED;
        cancel(authTimeout);
        cancel(closeTimeout);
        // Frames the peer sent before it went away were accepted: they still run, and the
        // features hear of the close only after them, as the last item of the session's queue.
        work.add(() -> node.unregister(this));
        super.channelInactive(context);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        framesIn.increment();
        if (failed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof Frame frame) {
            onFrame(frame);
        } else if (msg instanceof DecodeFailure failure) {
            onDecodeFailure(failure);
        } else {
            ReferenceCountUtil.release(msg);
            failAndClose(0, ErrorCode.INTERNAL_ERROR, "transport delivered something that is not a frame");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            switch (idle.state()) {
                case WRITER_IDLE -> {
                    // Before CONNECT the node says nothing at all (section 4.1).
                    if (state != SessionState.CONNECTING) {
                        send(new Ping(++pingNonce));
                    }
                }
                case READER_IDLE -> {
                    // Before CONNECT the peer has not been told the interval; the auth timeout covers it.
                    if (state != SessionState.CONNECTING) {
                        failAndClose(0, ErrorCode.HEARTBEAT_TIMEOUT,
                                "nothing received for " + 2 * settings.heartbeatIntervalMillis() + " ms");
                    }
                }
                default -> {
                }
            }
            return;
        }
        super.userEventTriggered(context, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        if (context.channel().isWritable()) {
            for (Runnable callback : writableCallbacks) {
                try {
                    callback.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "Writability callback failed in session " + id, e);
                }
            }
        }
        super.channelWritabilityChanged(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        // TLS handshake failures, resets and the like: the connection is unusable, so just close it.
        LOG.log(System.Logger.Level.DEBUG, () -> "Closing session " + id + ": " + cause);
        context.close();
    }

    // ---------------------------------------------------------------- frames

    private void onDecodeFailure(DecodeFailure failure) {
        if (failure.fatal()) {
            failAndClose(0, failure.code(), failure.message());
        } else {
            sendError(0, failure.code(), failure.message());
        }
    }

    private void onFrame(Frame frame) {
        if (state == SessionState.CONNECTING) {
            // Nothing, not even a PING, is answered before CONNECT.
            onConnect(frame);
            return;
        }
        if (frame instanceof Connect) {
            failAndClose(0, ErrorCode.UNEXPECTED_FRAME, "CONNECT was already received on this connection");
            return;
        }
        // Liveness and close work in every state after CONNECT.
        if (frame instanceof Ping ping) {
            send(new Pong(ping.nonce()));
            return;
        }
        if (frame instanceof Pong) {
            return;
        }
        if (frame instanceof Close close) {
            if (close.code() == 0 && user != null) {
                // A normal close by the client is a logout: its resume token has no further use.
                revokeToken();
            }
            onCloseRequested();
            return;
        }
        if (frame instanceof CloseAck) {
            if (state == SessionState.CLOSING) {
                ctx.close();
            }
            return;
        }
        switch (state) {
            case CONNECTING -> onConnect(frame);
            case AUTHENTICATING -> onAuthFrame(frame);
            case OPEN, PAUSED -> dispatch(frame);
            case CLOSING, CLOSED -> {
                // Work that arrives after a close started is dropped; the peer was told to stop.
            }
        }
    }

    private void onConnect(Frame frame) {
        if (!(frame instanceof Connect connect)) {
            failAndClose(0, ErrorCode.UNEXPECTED_FRAME, "the first frame must be CONNECT, got " + frame.type());
            return;
        }
        if (!ProtocolVersion.SUPPORTED.contains(connect.version())) {
            String supported = ProtocolVersion.SUPPORTED.stream().map(v -> "\"" + ProtocolVersion.format(v) + "\"")
                    .collect(Collectors.joining(","));
            String names = ProtocolVersion.SUPPORTED.stream().map(ProtocolVersion::format)
                    .collect(Collectors.joining(", "));
            failAndClose(new ErrorFrame(0, ErrorCode.UNSUPPORTED_VERSION.code(),
                    "protocol version " + ProtocolVersion.format(connect.version())
                            + " is not supported; supported: " + names,
                    "{\"supported\":[" + supported + "]}"));
            return;
        }
        clientId = connect.clientId();
        clientName = connect.clientName();
        clientCapabilities = connect.capabilities();
        var grant = node.tokens().validate(connect.resumeToken());
        int flags = 0;
        if (grant.isPresent()) {
            resumeToken = grant.get().token();
            flags = ConnectAck.FLAG_AUTHENTICATED;
        }
        List<String> offered = offeredMechanisms();
        if (grant.isPresent()) {
            opened(new AuthenticatedUser(grant.get().user().name(), grant.get().user().roles(), "RESUME"));
        } else {
            state = SessionState.AUTHENTICATING;
        }
        announcedCapabilities = node.capabilities();
        send(new ConnectAck(flags, ProtocolVersion.V1, announcedCapabilities, id,
                negotiatedMaxFrameSize(), settings.heartbeatIntervalMillis(),
                settings.maxFileSize(), settings.maxChunkSize(), offered, settings.name()));
    }

    private List<String> offeredMechanisms() {
        List<String> names = new ArrayList<>();
        for (AuthenticationMechanism m : node.mechanisms()) {
            if (m.allowedOn(connection)) {
                names.add(m.name());
            }
        }
        return names;
    }

    private void onAuthFrame(Frame frame) {
        if (authStepPending) {
            failAndClose(0, ErrorCode.UNEXPECTED_FRAME, "a " + frame.type() + " arrived before the last one was answered");
            return;
        }
        if (frame instanceof AuthStart start && exchange == null) {
            AuthenticationMechanism mechanism = null;
            for (AuthenticationMechanism m : node.mechanisms()) {
                if (m.name().equals(start.mechanism()) && m.allowedOn(connection)) {
                    mechanism = m;
                }
            }
            if (mechanism == null && offeredMechanisms().isEmpty()) {
                // The authentication feature is being installed or updated: worth trying again soon.
                failAndClose(0, ErrorCode.CAPABILITY_UNAVAILABLE, "authentication is unavailable on this node right "
                        + "now (no authentication feature is running); only a resume token gets in");
                return;
            }
            if (mechanism == null) {
                failAndClose(0, ErrorCode.AUTH_MECHANISM_UNSUPPORTED, "mechanism " + start.mechanism()
                        + " is not offered on this connection; offered: " + offeredMechanisms());
                return;
            }
            exchange = mechanism.start(connection);
            authStepPending = true;
            runAuthStep(start.data());
        } else if (frame instanceof AuthResponse response && exchange != null) {
            authStepPending = true;
            runAuthStep(response.data());
        } else {
            failAndClose(0, ErrorCode.AUTH_REQUIRED, frame.type() + " is not allowed before authentication");
        }
    }

    private void runAuthStep(byte[] data) {
        if (state != SessionState.AUTHENTICATING) {
            return;
        }
        try {
            exchange.step(data).whenComplete((step, error) -> ctx.executor().execute(() -> onAuthStep(step, error)));
        } catch (RuntimeException e) {
            onAuthStep(null, e);
        }
    }

    private void onAuthStep(AuthStep step, Throwable error) {
        if (error != null || step == null) {
            LOG.log(System.Logger.Level.WARNING, "Authentication mechanism failed on session " + id, error);
            step = new AuthStep.Failure(null, "mechanism error: " + error);
        }
        if (step instanceof AuthStep.Challenge challenge) {
            if (state == SessionState.AUTHENTICATING) {
                authStepPending = false;
                send(new AuthChallenge(challenge.data()));
            }
            return;
        }
        AuthStep verdict = step;
        String tried = verdict instanceof AuthStep.Success success ? success.user().name()
                : ((AuthStep.Failure) verdict).user();
        if (verdict instanceof AuthStep.Failure failure) {
            LOG.log(System.Logger.Level.INFO, () -> "Authentication failed for user '" + failure.user() + "' from "
                    + remoteHost() + ": " + failure.reason());
        }
        // A judged attempt takes its turn even if the client left meanwhile: abandoning an
        // attempt must not make the next one come sooner.
        AuthThrottle.Turn turn = node.throttle().take(tried, remoteHost(), verdict instanceof AuthStep.Failure);
        if (state != SessionState.AUTHENTICATING) {
            return;
        }
        // The throttle answers within its cap, and a held verdict must not turn into AUTH_TIMEOUT.
        cancel(authTimeout);
        if (turn.refused()) {
            LOG.log(System.Logger.Level.INFO, () -> "Authentication of user '" + tried + "' from " + remoteHost()
                    + " refused unjudged: too many attempts are waiting");
            answerAuthFailed();
            return;
        }
        // Until its turn, a verdict is invisible: the session stays AUTHENTICATING with a step
        // pending either way, so nothing the client sends meanwhile is treated differently.
        later(turn.releaseAt() - node.clock().millis(), () -> releaseVerdict(verdict));
    }

    private void releaseVerdict(AuthStep verdict) {
        if (state != SessionState.AUTHENTICATING) {
            return; // abandoned while waiting: its turn is used up all the same
        }
        authStepPending = false;
        if (verdict instanceof AuthStep.Success success) {
            ResumeTokens.Grant grant = node.tokens().issue(success.user());
            resumeToken = grant.token();
            opened(success.user());
            send(new AuthOk(success.user().name(), grant.token(), grant.expiresAt(), success.data()));
        } else {
            answerAuthFailed();
        }
    }

    private void answerAuthFailed() {
        state = SessionState.CLOSING;
        framesOut.increment();
        ctx.writeAndFlush(ErrorFrame.of(0, ErrorCode.AUTH_FAILED, "authentication failed"))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void opened(AuthenticatedUser authenticated) {
        user = authenticated;
        exchange = null;
        state = paused ? SessionState.PAUSED : SessionState.OPEN;
        cancel(authTimeout);
        // Only now may the peer send frames above the handshake limit (section 2.3).
        ctx.pipeline().fireUserEventTriggered(new FrameSizeLimit(negotiatedMaxFrameSize()));
        node.opened(this);
    }

    private void onAuthTimeout() {
        if (state == SessionState.CONNECTING || state == SessionState.AUTHENTICATING) {
            failAndClose(0, ErrorCode.AUTH_TIMEOUT,
                    "not authenticated within " + settings.authTimeoutMillis() + " ms");
        }
    }

    // ---------------------------------------------------------------- dispatch and flow control

    private void dispatch(Frame frame) {
        Capability family = FrameFamilies.of(frame.type());
        if (family != null && (clientCapabilities & family.mask()) == 0) {
            sendError(Requests.idOf(frame), ErrorCode.CAPABILITY_UNAVAILABLE, frame.type()
                    + " belongs to the capability " + family + ", which this client did not announce in CONNECT");
            return;
        }
        if (frame instanceof Pause) {
            peerPause.pause();
            return;
        }
        if (frame instanceof Resume) {
            peerPause.resume();
            return;
        }
        if (frame.type() == FrameType.AUTH_START || frame.type() == FrameType.AUTH_RESPONSE) {
            failAndClose(0, ErrorCode.UNEXPECTED_FRAME, frame.type() + " after the session was authenticated");
            return;
        }
        FrameHandler handler = node.handlers().handlerFor(frame.type());
        if (handler == null) {
            sendError(Requests.idOf(frame), ErrorCode.CAPABILITY_UNAVAILABLE,
                    "no installed feature serves " + frame.type() + " frames");
            return;
        }
        if (handler.nonBlocking()) {
            try {
                handler.handle(this, frame);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "Feature handler failed on " + frame.type() + " in session " + id, e);
                sendError(0, ErrorCode.INTERNAL_ERROR, "the node failed to handle a " + frame.type() + " frame");
            }
            return;
        }
        enqueue(() -> {
            try {
                handler.handle(this, frame);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "Feature handler failed on " + frame.type() + " in session " + id, e);
                sendError(0, ErrorCode.INTERNAL_ERROR, "the node failed to handle a " + frame.type() + " frame");
            }
        });
    }

    /** Queues work for this session; called on the event loop. */
    void enqueue(Runnable task) {
        if (work.add(task) >= settings.pauseHighWater() && !queuePaused) {
            queuePaused = true;
            applyPause();
        }
    }

    private void maybeResume() {
        if (queuePaused && work.queued() <= settings.pauseLowWater()) {
            queuePaused = false;
            applyPause();
        }
        if (ackCloseWhenDrained && work.queued() == 0 && !featuresBusy) {
            finishPeerClose();
        }
    }

    /** Pauses or resumes reading to match the work queue and the holders; on the event loop only. */
    private void applyPause() {
        if (state == SessionState.CLOSED || state == SessionState.CLOSING) {
            return;
        }
        boolean wanted = queuePaused || !holders.isEmpty();
        if (wanted == paused) {
            return;
        }
        paused = wanted;
        if (state == SessionState.OPEN || state == SessionState.PAUSED) {
            state = wanted ? SessionState.PAUSED : SessionState.OPEN;
        }
        connection.channel().config().setAutoRead(!wanted);
        send(wanted ? Pause.INSTANCE : Resume.INSTANCE);
    }

    // ---------------------------------------------------------------- features coming and going

    /** Whether the session is authenticated and not closing: features hold state for it. */
    boolean isOpen() {
        SessionState now = state;
        return now == SessionState.OPEN || now == SessionState.PAUSED;
    }

    /** Tells the client, if they changed, which capabilities the node offers now. Called on any thread. */
    void capabilitiesChanged() {
        onLoop(this::announceCapabilities);
    }

    /** Sends CAPABILITY_CHANGE when what the node offers differs from what the client was told; on the event loop. */
    private void announceCapabilities() {
        if (!isOpen()) {
            return;
        }
        long now = node.capabilities();
        if (now != announcedCapabilities) {
            announcedCapabilities = now;
            send(new CapabilityChange(now));
        }
    }

    private void onLoop(Runnable task) {
        io.netty.channel.EventLoop loop = connection.channel().eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException loopGone) {
                // The transport stopped its event loop; the session ends with it.
            }
        }
    }

    // ---------------------------------------------------------------- close

    private void onCloseRequested() {
        if (state == SessionState.CLOSING || state == SessionState.CLOSED) {
            // Both sides closed at once: our CLOSE is answered too, so finish now.
            finishPeerClose();
            return;
        }
        state = SessionState.CLOSING;
        ackCloseWhenDrained = true;
        cancel(authTimeout);
        // A client that closes reads until CLOSE_ACK, and the answers it paused must come before it (4.8).
        peerPause.resume();
        CompletableFuture<?> featuresDone = featuresClosing();
        if (!featuresDone.isDone()) {
            featuresBusy = true;
            featuresDone.whenComplete((done, error) -> ctx.executor().execute(() -> {
                featuresBusy = false;
                maybeResume();
            }));
        }
        closeTimeout = ctx.executor().schedule(this::finishPeerClose, settings.closeTimeoutMillis(),
                TimeUnit.MILLISECONDS);
        if (work.queued() == 0 && !featuresBusy) {
            // Not right here: an answer another thread sent just before its feature reported the
            // session idle is a task queued on this loop, and it must go out before the CLOSE_ACK.
            ctx.executor().execute(this::maybeResume);
        }
    }

    /** Tells every feature the peer is closing; completes when all of them finished their work in flight. */
    private CompletableFuture<?> featuresClosing() {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (FrameHandler handler : node.handlers().handlers()) {
            try {
                CompletableFuture<?> stage = handler.sessionClosing(this).toCompletableFuture();
                if (!stage.isDone()) {
                    pending.add(stage);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A feature failed while session " + id + " was closing", e);
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    private void finishPeerClose() {
        if (closeAcked) {
            return;
        }
        closeAcked = true;
        ackCloseWhenDrained = false;
        cancel(closeTimeout);
        framesOut.increment();
        ctx.writeAndFlush(CloseAck.INSTANCE).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeFromNode(ErrorCode code, String message) {
        if (state == SessionState.CLOSING || state == SessionState.CLOSED) {
            return;
        }
        state = SessionState.CLOSING;
        cancel(authTimeout);
        send(new Close(code.code(), message));
        // Reading must go on to see the CLOSE_ACK, even if the session was paused.
        connection.channel().config().setAutoRead(true);
        closeTimeout = ctx.executor().schedule(() -> {
            ctx.close();
        }, settings.closeTimeoutMillis(), TimeUnit.MILLISECONDS);
    }

    private void failAndClose(long requestId, ErrorCode code, String message) {
        failAndClose(ErrorFrame.of(requestId, code, message));
    }

    /** Sends an error that ends the connection, then closes it; nothing the peer sends afterwards is read. */
    private void failAndClose(ErrorFrame error) {
        if (state == SessionState.CLOSED || failed) {
            return;
        }
        failed = true;
        state = SessionState.CLOSING;
        framesOut.increment();
        ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
    }

    // ---------------------------------------------------------------- helpers

    private void later(long delayMillis, Runnable action) {
        if (delayMillis <= 0) {
            action.run();
        } else {
            ctx.executor().schedule(action, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private String remoteHost() {
        InetSocketAddress remote = connection.remoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    @Override
    public String toString() {
        return "Session[" + id + ", " + (user == null ? "-" : user.name()) + ", " + state + "]";
    }
}
