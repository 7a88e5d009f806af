package io.aldis.client.internal;

import io.aldis.client.AldisException;
import io.aldis.client.DisconnectReason;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.NodeAddresses;
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
import io.aldis.protocol.api.codec.Flushes;
import io.aldis.protocol.api.codec.Heartbeats;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.scram.ScramClient;
import io.aldis.protocol.api.scram.ScramException;
import io.aldis.protocol.api.stream.StreamIds;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection's side of the session protocol: the handshake (CONNECT, resume token or SCRAM /
 * PLAIN), heartbeats, PAUSE/RESUME, CLOSE/CLOSE_ACK and dispatch of everything else. It reads and
 * writes {@link Frame} objects, so it runs on an EmbeddedChannel in tests just as behind the
 * length-prefix codec on a socket. All state is touched on the channel's event loop only.
 */
public final class ClientHandler extends ChannelInboundHandlerAdapter {
    /** Name of the idle-state handler this handler installs in front of itself. */
    public static final String IDLE_HANDLER = "aldis-idle";

    private enum Phase { NEW, AWAIT_CONNECT_ACK, AWAIT_CHALLENGE, AWAIT_AUTH_OK, OPEN, CLOSING, CLOSED }

    /**
     * A frame on its way out, with the future to complete and where to complete it (null: the
     * event loop). A frame written in a batch also carries its write's future, so that a batch is
     * a plain list of these and costs no second object per frame.
     */
    private static final class Queued {
        private final Frame frame;
        private final CompletableFuture<Void> future;
        private final Executor completeOn;
        /** The write of this frame, once it was handed to the channel in a batch; on the event loop only. */
        private ChannelFuture written;

        Queued(Frame frame, CompletableFuture<Void> future, Executor completeOn) {
            this.frame = frame;
            this.future = future;
            this.completeOn = completeOn;
        }

        Frame frame() {
            return frame;
        }

        CompletableFuture<Void> future() {
            return future;
        }

        Executor completeOn() {
            return completeOn;
        }
    }

    private static final int OUTBOX_BATCH = 256;
    /**
     * Received frames that may wait for the application's handlers before the connection stops
     * reading: a handler slower than the network then holds the node back (whose slow-consumer
     * policy decides what happens) instead of filling the client's memory.
     */
    static final int MAX_UNPROCESSED = 8192;
    /**
     * Received frames handed to the application in one go at most: one hand-over per read, not per
     * frame, with this bound so that a long read does not hold frames back.
     */
    static final int HANDOVER_BATCH = 256;

    private final HandshakeParams params;
    private final ConnectionEvents events;
    private final StatsCounters stats;
    private final RequestTracker requests;
    private final CompletableFuture<SessionInfo> opened = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final Queue<Queued> outbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean outboxScheduled = new AtomicBoolean();
    private final AtomicInteger unprocessed = new AtomicInteger();
    /** Frames read for the application and not yet handed over; on the event loop only. */
    private List<Frame> inbound = new ArrayList<>();
    /** Whether {@link #inbound} holds frames of streams; on the event loop only. */
    private boolean inboundHasStreamFrames;
    private volatile boolean readingHeld;
    /**
     * While a batch is handed to the application: flushes wait for its end or for
     * {@link Flushes#FRAMES_PER_FLUSH} of them; on the event loop only.
     */
    private boolean holdingFlushes;
    private int flushesHeld;

    private ChannelHandlerContext ctx;
    private Phase phase = Phase.NEW;
    private ConnectAck ack;
    private ScramClient scram;
    private ScheduledFuture<?> timer;
    private volatile boolean paused;
    private long nextPingNonce = 1;
    private DisconnectReason reason;
    private boolean reconnect = true;
    private AldisException handshakeFailure;

    public ClientHandler(HandshakeParams params, ConnectionEvents events, StatsCounters stats,
            RequestTracker requests) {
        this.params = params;
        this.events = events;
        this.stats = stats;
        this.requests = requests;
    }

    /** Completes when the session is open; fails with an {@link AldisException} otherwise. */
    public CompletableFuture<SessionInfo> opened() {
        return opened;
    }

    /** Completes when the channel has closed, for whatever reason. */
    public CompletableFuture<Void> closedFuture() {
        return closed;
    }

    /** Whether the node has paused this connection. */
    public boolean paused() {
        return paused;
    }

    /** Whether the session is open and accepts frames. */
    public boolean isOpen() {
        return phase == Phase.OPEN;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // A connection that never became active (still connecting, or refused) fires no
        // channelInactive; its close must end this handler all the same, or close() waits forever.
        ctx.channel().closeFuture().addListener(f -> {
            if (phase == Phase.NEW) {
                phase = Phase.CLOSED;
                closed.complete(null);
            }
        });
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start();
        super.channelActive(ctx);
    }

    private void start() {
        if (phase != Phase.NEW) {
            return;
        }
        phase = Phase.AWAIT_CONNECT_ACK;
        long timeout = params.handshakeTimeout() == null ? 0 : params.handshakeTimeout().toMillis();
        if (timeout > 0) {
            timer = ctx.executor().schedule(() -> failHandshake(new AldisException(ErrorCode.CONNECTION_TIMEOUT,
                    "no session after " + timeout + " ms")), timeout, TimeUnit.MILLISECONDS);
        }
        String token = params.resumeToken() == null ? "" : params.resumeToken();
        write(new Connect(ProtocolVersion.V1, params.capabilities(), params.clientId(), token, params.clientName()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        handOver();
        Phase was = phase;
        phase = Phase.CLOSED;
        paused = false;
        cancelTimer();
        AldisException lost = new AldisException(ErrorCode.CONNECTION_LOST, "connection closed");
        failQueue(lost);
        if (reason == null) {
            reason = new DisconnectReason(ErrorCode.CONNECTION_LOST, "connection closed by the node or the network",
                    null);
        }
        if (!opened.isDone()) {
            AldisException failure = handshakeFailure != null ? handshakeFailure
                    : new AldisException(was == Phase.CLOSING ? ErrorCode.CONNECTION_LOST : ErrorCode.CONNECTION_FAILED,
                            "connection closed before the session opened: " + reason.message(), reason.cause());
            opened.completeExceptionally(failure);
        }
        closed.complete(null);
        events.closed(this, reason, reconnect);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (reason == null) {
            reason = new DisconnectReason(phase == Phase.OPEN ? ErrorCode.CONNECTION_LOST : ErrorCode.CONNECTION_FAILED,
                    String.valueOf(cause.getMessage()), cause);
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            switch (idle.state()) {
                case WRITER_IDLE -> {
                    if (phase.compareTo(Phase.AWAIT_CONNECT_ACK) >= 0 && phase != Phase.CLOSED) {
                        stats.pingsSent.increment();
                        write(new Ping(nextPingNonce++));
                    }
                }
                case READER_IDLE -> {
                    int interval = ack == null ? 0 : ack.heartbeatMillis();
                    lose(new DisconnectReason(ErrorCode.HEARTBEAT_TIMEOUT,
                            "nothing received from the node for " + 2L * interval + " ms", null), true);
                }
                default -> {
                }
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    // ---------------------------------------------------------------- inbound

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        handOver();
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecodeFailure failure) {
            if (failure.fatal()) {
                lose(new DisconnectReason(failure.code(), "undecodable frame from the node: " + failure.message(),
                        null), true);
            }
            return;
        }
        if (!(msg instanceof Frame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        stats.framesReceived.increment();
        if (phase == Phase.CLOSED) {
            return;
        }
        // Liveness and close work in every phase, so that the node can always tell we are alive.
        if (frame instanceof Ping ping) {
            stats.pingsReceived.increment();
            write(new Pong(ping.nonce()));
            return;
        }
        if (frame instanceof Pong) {
            stats.pongsReceived.increment();
            return;
        }
        if (frame instanceof Close close) {
            handOver();
            onRemoteClose(close);
            return;
        }
        switch (phase) {
            case AWAIT_CONNECT_ACK -> onConnectAck(frame);
            case AWAIT_CHALLENGE -> onChallenge(frame);
            case AWAIT_AUTH_OK -> onAuthOk(frame);
            case OPEN, CLOSING -> onSessionFrame(frame);
            default -> {
            }
        }
    }

    private void onConnectAck(Frame frame) {
        if (frame instanceof ErrorFrame error) {
            failHandshake(AldisException.of(error));
            return;
        }
        if (!(frame instanceof ConnectAck connectAck)) {
            failHandshake(unexpected(frame, "CONNECT_ACK"));
            return;
        }
        if (connectAck.version() != ProtocolVersion.V1) {
            failHandshake(new AldisException(ErrorCode.UNSUPPORTED_VERSION, "the node answered with protocol "
                    + ProtocolVersion.format(connectAck.version()) + ", this client speaks "
                    + ProtocolVersion.format(ProtocolVersion.V1)));
            return;
        }
        ack = connectAck;
        installHeartbeat(connectAck.heartbeatMillis());
        if (connectAck.authenticated()) {
            String user = params.resumedUser() != null ? params.resumedUser() : params.user();
            open(user == null ? "" : user, true);
            return;
        }
        startAuthentication();
    }

    private void startAuthentication() {
        if (params.user() == null || params.password() == null) {
            failHandshake(new AldisException(ErrorCode.AUTH_REQUIRED,
                    "the node asks for authentication and no credentials are configured"));
            return;
        }
        String mechanism = params.mechanism();
        if (ack.mechanisms().isEmpty()) {
            // Not a refusal: the node's authentication feature is away for now, so a retry may work.
            failHandshake(new AldisException(ErrorCode.CAPABILITY_UNAVAILABLE,
                    "the node cannot authenticate anyone right now (no authentication feature is running)"));
            return;
        }
        if (!ack.mechanisms().contains(mechanism)) {
            failHandshake(new AldisException(ErrorCode.AUTH_MECHANISM_UNSUPPORTED,
                    "the node offers " + ack.mechanisms() + " on this connection, not " + mechanism));
            return;
        }
        if (mechanism.equals("PLAIN")) {
            phase = Phase.AWAIT_AUTH_OK;
            write(new AuthStart(mechanism, plainMessage(params.user(), params.password())));
        } else {
            scram = ScramClient.withCache(params.user(), params.password(), params.saltedPasswords());
            phase = Phase.AWAIT_CHALLENGE;
            write(new AuthStart(mechanism, scram.clientFirstMessage()));
        }
    }

    /** RFC 4616: an empty authorization id, the user and the password, separated by NUL. */
    static byte[] plainMessage(String user, char[] password) {
        byte[] userBytes = user.getBytes(StandardCharsets.UTF_8);
        ByteBuffer pw = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] message = new byte[2 + userBytes.length + pw.remaining()];
        System.arraycopy(userBytes, 0, message, 1, userBytes.length);
        pw.get(message, 2 + userBytes.length, pw.remaining());
        // The encoder's buffer holds the password in clear; wipe it rather than leave it to the GC.
        if (pw.hasArray()) {
            Arrays.fill(pw.array(), (byte) 0);
        }
        return message;
    }

    private void onChallenge(Frame frame) {
        if (frame instanceof ErrorFrame error) {
            failHandshake(AldisException.of(error));
            return;
        }
        if (!(frame instanceof AuthChallenge challenge)) {
            failHandshake(unexpected(frame, "AUTH_CHALLENGE"));
            return;
        }
        byte[] clientFinal;
        try {
            clientFinal = scram.clientFinalMessage(challenge.data());
        } catch (ScramException e) {
            failHandshake(new AldisException(ErrorCode.AUTH_FAILED, "invalid SCRAM challenge: " + e.getMessage(), e));
            return;
        }
        phase = Phase.AWAIT_AUTH_OK;
        write(new AuthResponse(clientFinal));
    }

    private void onAuthOk(Frame frame) {
        if (frame instanceof ErrorFrame error) {
            failHandshake(AldisException.of(error));
            return;
        }
        if (!(frame instanceof AuthOk ok)) {
            failHandshake(unexpected(frame, "AUTH_OK"));
            return;
        }
        if (scram != null) {
            try {
                scram.verifyServerFinal(ok.data());
            } catch (ScramException e) {
                // The node could not prove it knows the credentials: it may be an impostor.
                failHandshake(new AldisException(ErrorCode.AUTH_FAILED,
                        "the node's SCRAM signature is wrong: " + e.getMessage(), e));
                return;
            }
        }
        if (!ok.resumeToken().isEmpty()) {
            events.tokenIssued(ok.resumeToken(), ok.tokenExpiresAt());
        }
        open(ok.user(), false);
    }

    private void open(String user, boolean resumed) {
        cancelTimer();
        phase = Phase.OPEN;
        scram = null;
        SessionInfo session = new SessionInfo(ack.sessionId(), user, Capability.fromMask(ack.capabilities()),
                ack.maxFrameSize(), ack.heartbeatMillis(), ack.maxFileSize(), ack.maxChunkSize(), resumed,
                ack.nodeName());
        opened.complete(session);
    }

    private void onSessionFrame(Frame frame) {
        long requestId = Requests.answeredIdOf(frame);
        if (requestId == 0 && !(frame instanceof ErrorFrame) && !isFlowControl(frame)) {
            inbound.add(frame);
            boolean streamFrame = StreamIds.streamOf(frame) != 0;
            // A read full of stream items can be a megabyte long: an answer or a message read
            // among them goes on with the items before it instead of waiting for the read's end.
            if (inbound.size() >= HANDOVER_BATCH || (!streamFrame && inboundHasStreamFrames)) {
                handOver();
            } else if (streamFrame) {
                inboundHasStreamFrames = true;
            }
            return;
        }
        // Whatever the handler acts on itself goes after the frames read before it.
        handOver();
        if (frame instanceof Pause) {
            if (!paused) {
                paused = true;
                events.nodePaused();
            }
            return;
        }
        if (frame instanceof Resume) {
            if (paused) {
                paused = false;
                flushQueue();
                events.nodeResumed();
            }
            return;
        }
        if (frame instanceof CapabilityChange change) {
            events.capabilitiesChanged(change.capabilities());
            return;
        }
        if (frame instanceof NodeAddresses addresses) {
            events.nodeAddresses(addresses.addresses(), ctx.channel().remoteAddress());
            return;
        }
        if (frame instanceof CloseAck) {
            if (phase == Phase.CLOSING) {
                ctx.close();
            }
            return;
        }
        if (frame instanceof ErrorFrame error && error.requestId() == 0) {
            events.connectionError(error);
            return;
        }
        if (requestId != 0 && requests.complete(requestId, frame)) {
            return;
        }
        inbound.add(frame);
        handOver();
    }

    private static boolean isFlowControl(Frame frame) {
        return frame instanceof Pause || frame instanceof Resume || frame instanceof CloseAck
                || frame instanceof CapabilityChange || frame instanceof NodeAddresses;
    }

    /** Hands the frames read so far to the application, as one batch; on the event loop. */
    private void handOver() {
        if (inbound.isEmpty()) {
            return;
        }
        List<Frame> batch = inbound;
        inboundHasStreamFrames = false;
        int n = batch.size();
        // Sized like the last batch: reads tend to bring alike amounts.
        inbound = new ArrayList<>(Math.max(8, n));
        if (unprocessed.addAndGet(n) >= MAX_UNPROCESSED && !readingHeld) {
            readingHeld = true;
            ctx.channel().config().setAutoRead(false);
        }
        // The application may answer inline (a callback executor that runs on this thread): what it
        // sends while the batch is handled goes out in slices of a few frames, not one write per
        // frame. Flush consolidation does not cover this, as the read is already over by now.
        boolean outer = !holdingFlushes;
        holdingFlushes = true;
        try {
            events.frames(batch, () -> framesProcessed(n));
        } finally {
            if (outer) {
                holdingFlushes = false;
                if (flushesHeld > 0) {
                    flushesHeld = 0;
                    ctx.flush();
                }
            }
        }
    }

    /** Flushes now, or once the batch being handed to the application is done with. */
    private void flush() {
        if (holdingFlushes && ++flushesHeld < Flushes.FRAMES_PER_FLUSH) {
            return;
        }
        flushesHeld = 0;
        ctx.flush();
    }

    /** Run by the application side once it has handled a batch; reading resumes at half the limit. */
    private void framesProcessed(int n) {
        if (unprocessed.addAndGet(-n) <= MAX_UNPROCESSED / 2 && readingHeld) {
            ctx.executor().execute(() -> {
                if (readingHeld && unprocessed.get() <= MAX_UNPROCESSED / 2) {
                    readingHeld = false;
                    ctx.channel().config().setAutoRead(true);
                }
            });
        }
    }

    private void onRemoteClose(Close close) {
        ErrorCode code = close.code() == 0 ? null : ErrorCode.of(close.code());
        String message = close.message().isEmpty() ? "closed by the node" : close.message();
        boolean again = code != ErrorCode.AUTH_FAILED && code != ErrorCode.UNSUPPORTED_VERSION;
        if (!opened.isDone()) {
            handshakeFailure = new AldisException(close.code() == 0 ? ErrorCode.CONNECTION_LOST.code() : close.code(),
                    message, null);
        }
        if (reason == null) {
            reason = DisconnectReason.ofRawCode(close.code(), message, null);
        }
        reconnect &= again;
        phase = Phase.CLOSING;
        failQueue(new AldisException(ErrorCode.CONNECTION_LOST, "the node closed the connection: " + message));
        stats.framesSent.increment();
        ctx.writeAndFlush(CloseAck.INSTANCE).addListener(ChannelFutureListener.CLOSE);
    }

    // ---------------------------------------------------------------- outbound

    /** Whether the calling thread is the event loop of this connection. */
    boolean onItsEventLoop() {
        ChannelHandlerContext c = ctx;
        return c != null && c.executor().inEventLoop();
    }

    /**
     * Sends a frame from any thread. Control frames (PING, PONG, CLOSE, CLOSE_ACK) always go out;
     * anything else waits while the node has paused us. The future completes on the event loop.
     */
    public CompletableFuture<Void> send(Frame frame) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        send(frame, future, null);
        return future;
    }

    /**
     * Sends a frame from any thread and completes {@code future} once it is written, on
     * {@code completeOn} (or on the event loop when it is null). Frames sent from other threads
     * gather in an outbox that the event loop drains in one task: written in order, flushed once
     * per drain, and their futures completed together with one hand-off to {@code completeOn}.
     */
    public void send(Frame frame, CompletableFuture<Void> future, Executor completeOn) {
        Queued queued = new Queued(frame, future, completeOn);
        if (ctx == null) {
            refuse(queued, notConnected());
            return;
        }
        if (ctx.executor().inEventLoop()) {
            if (!outbox.isEmpty()) {
                drainOutbox(); // frames sent earlier from other threads go first
            }
            send0(queued);
            return;
        }
        outbox.add(queued);
        if (outboxScheduled.compareAndSet(false, true)) {
            try {
                ctx.executor().execute(this::drainOutbox);
            } catch (RejectedExecutionException e) {
                // The event loop is shutting down, so the connection is going with it.
                Queued next;
                while ((next = outbox.poll()) != null) {
                    refuse(next, notConnected());
                }
            }
        }
    }

    /** Writes what other threads queued, flushing once per batch; on the event loop. */
    private void drainOutbox() {
        outboxScheduled.set(false);
        List<Queued> batch = new ArrayList<>();
        Queued next;
        while ((next = outbox.poll()) != null) {
            if (phase != Phase.OPEN) {
                refuse(next, notConnected());
            } else if (mustWait(next.frame())) {
                hold(next);
            } else {
                stats.framesSent.increment();
                next.written = ctx.write(next.frame());
                batch.add(next);
                if (batch.size() == OUTBOX_BATCH) {
                    flushBatch(batch);
                    batch = new ArrayList<>();
                }
            }
        }
        flushBatch(batch);
    }

    /** Flushes a batch of written frames and settles their futures when the last is written. */
    private void flushBatch(List<Queued> batch) {
        if (batch.isEmpty()) {
            return;
        }
        flush();
        batch.get(batch.size() - 1).written.addListener(last -> settle(batch));
    }

    private void settle(List<Queued> batch) {
        // Writes complete in order, so every earlier one is done too, except one whose encoding
        // failed while a later one was still queued: those settle on their own.
        List<Queued> done = new ArrayList<>(batch.size());
        for (Queued queued : batch) {
            ChannelFuture written = queued.written;
            if (!written.isDone()) {
                written.addListener(f -> complete(queued, f.isSuccess() ? null : f.cause()));
                continue;
            }
            if (written.isSuccess() && queued.completeOn() != null) {
                done.add(queued);
            } else if (written.isSuccess()) {
                complete(queued, null);
            } else {
                complete(queued, written.cause());
            }
        }
        if (!done.isEmpty()) {
            Executor executor = done.get(0).completeOn();
            List<Queued> other = new ArrayList<>();
            List<Queued> same = new ArrayList<>(done.size());
            for (Queued q : done) {
                (q.completeOn() == executor ? same : other).add(q);
            }
            executor.execute(() -> {
                for (Queued q : same) {
                    q.future().complete(null);
                }
            });
            for (Queued q : other) {
                complete(q, null);
            }
        }
    }

    private void complete(Queued queued, Throwable writeFailure) {
        if (writeFailure == null) {
            if (queued.completeOn() == null) {
                queued.future().complete(null);
            } else {
                queued.completeOn().execute(() -> queued.future().complete(null));
            }
        } else {
            fail(queued, new AldisException(ErrorCode.CONNECTION_LOST, "write failed: " + writeFailure, writeFailure));
        }
    }

    /**
     * Fails a frame that was never handed to the channel: one that holds a buffer (a chunk sent from
     * the buffer it was read into) is released here, as the channel would have done.
     */
    private static void refuse(Queued queued, Throwable cause) {
        ReferenceCountUtil.release(queued.frame());
        fail(queued, cause);
    }

    private static void fail(Queued queued, Throwable cause) {
        if (queued.completeOn() == null) {
            queued.future().completeExceptionally(cause);
        } else {
            queued.completeOn().execute(() -> queued.future().completeExceptionally(cause));
        }
    }

    private void send0(Queued queued) {
        if (phase != Phase.OPEN) {
            refuse(queued, notConnected());
            return;
        }
        if (mustWait(queued.frame())) {
            hold(queued);
            return;
        }
        writeFor(queued);
        flush();
    }

    /**
     * Whether an application frame has to wait: the node has paused us, or the socket takes no
     * more for now (Netty's write buffer is over its high-water mark), or frames held earlier
     * still wait and must go first. Without the writability check a sender faster than the
     * network grows the write buffer without bound.
     */
    private boolean mustWait(Frame frame) {
        return (paused || !ctx.channel().isWritable() || !queue.isEmpty()) && !isControl(frame);
    }

    /** Keeps a frame while it must wait, within the limit. */
    private void hold(Queued queued) {
        if (queue.size() >= params.maxQueuedWhilePaused()) {
            refuse(queued, new AldisException(ErrorCode.BUSY, queue.size() + " frames are already waiting to be sent ("
                    + (paused ? "the node has paused this client" : "the connection takes no more for now")
                    + "; maxQueuedWhilePaused)"));
        } else {
            queue.add(queued);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable() && !paused && phase == Phase.OPEN) {
            flushQueue();
        }
        super.channelWritabilityChanged(ctx);
    }

    /**
     * Frames that go out while paused and ahead of held frames: liveness and close, and STREAM_CREDIT,
     * CHUNK_ACK and CHUNK_NACK, which only let the node's own sending proceed and are no work
     * frames (docs/protocol.md 4.7).
     */
    private static boolean isControl(Frame frame) {
        FrameType type = frame.type();
        return type == FrameType.PING || type == FrameType.PONG || type == FrameType.CLOSE
                || type == FrameType.CLOSE_ACK || type == FrameType.STREAM_CREDIT
                || type == FrameType.CHUNK_ACK || type == FrameType.CHUNK_NACK;
    }

    private AldisException notConnected() {
        return new AldisException(ErrorCode.CONNECTION_LOST, "not connected");
    }

    /** Writes held frames in order while the node lets us and the socket takes them. */
    private void flushQueue() {
        Queued next;
        boolean wrote = false;
        while (!paused && ctx.channel().isWritable() && (next = queue.poll()) != null) {
            writeFor(next);
            wrote = true;
        }
        if (wrote) {
            flush();
        }
    }

    private void failQueue(AldisException cause) {
        Queued next;
        while ((next = queue.poll()) != null) {
            refuse(next, cause);
        }
    }

    /** Writes a frame whose future completes once it is written; the caller flushes. */
    private void writeFor(Queued queued) {
        stats.framesSent.increment();
        ctx.write(queued.frame()).addListener(f -> complete(queued, f.isSuccess() ? null : f.cause()));
    }

    private void write(Frame frame) {
        stats.framesSent.increment();
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    /**
     * Closes gracefully from any thread: CLOSE, then the channel closes on CLOSE_ACK or after
     * {@code timeoutMillis}. A connection still in its handshake is simply closed.
     */
    public CompletableFuture<Void> close(long timeoutMillis) {
        if (ctx == null) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            ctx.executor().execute(() -> close0(timeoutMillis));
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down and closes the channel itself.
            return CompletableFuture.completedFuture(null);
        }
        return closed;
    }

    private void close0(long timeoutMillis) {
        reconnect = false;
        if (phase == Phase.CLOSED || phase == Phase.CLOSING) {
            return;
        }
        if (reason == null) {
            reason = DisconnectReason.normalClose("closed by the client");
        }
        if (phase != Phase.OPEN) {
            handshakeFailure = new AldisException(ErrorCode.CONNECTION_FAILED, "closed by the client");
            ctx.close();
            return;
        }
        phase = Phase.CLOSING;
        failQueue(new AldisException(ErrorCode.CONNECTION_LOST, "the client is closing"));
        write(new Close(0, "client closing"));
        cancelTimer();
        timer = ctx.executor().schedule(() -> ctx.close(), timeoutMillis, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------- helpers

    private void installHeartbeat(int heartbeatMillis) {
        if (heartbeatMillis <= 0 || ctx.pipeline().get(IDLE_HANDLER) != null) {
            return;
        }
        // In front of the flush consolidation and the frame decoder when there are such, so that
        // it notes each read rather than each frame and each consolidated flush; else right in
        // front of this handler.
        ChannelHandlerContext before = ctx.pipeline().context(FlushConsolidationHandler.class);
        if (before == null) {
            before = ctx.pipeline().context(LengthPrefixedFrameDecoder.class);
        }
        ctx.pipeline().addBefore(before != null ? before.name() : ctx.name(), IDLE_HANDLER,
                new Heartbeats(2L * heartbeatMillis, heartbeatMillis));
    }

    private AldisException unexpected(Frame frame, String expected) {
        return new AldisException(ErrorCode.UNEXPECTED_FRAME, "expected " + expected + " but got " + frame.type());
    }

    private void failHandshake(AldisException failure) {
        if (opened.isDone()) {
            return;
        }
        handshakeFailure = failure;
        ErrorCode code = failure.code();
        if (code == ErrorCode.AUTH_FAILED || code == ErrorCode.UNSUPPORTED_VERSION) {
            reconnect = false;
        }
        lose(DisconnectReason.ofRawCode(failure.rawCode(), failure.getMessage(), failure), reconnect);
    }

    private void lose(DisconnectReason why, boolean again) {
        if (reason == null) {
            reason = why;
        }
        reconnect &= again;
        ctx.close();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
