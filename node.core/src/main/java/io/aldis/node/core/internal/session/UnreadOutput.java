package io.aldis.node.core.internal.session;

import io.aldis.node.core.internal.session.ReadingStops.Reason;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.spi.node.SessionState;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds what the node buffers for a client that does not read (docs/protocol.md 4.7), whatever
 * the frames: answers to requests, deliveries, stream items. Every write the session makes passes
 * here on its way to the socket; once the bytes waiting in the connection's send buffer pass the
 * <em>pending high-water mark</em>, the node stops reading from the client, so it takes no more
 * requests whose answers it could not send; it reads again once the client has read the backlog
 * down to half the mark. A client that meanwhile reads nothing at all for the <em>write
 * deadline</em>, or whose backlog passes the hard cap anyway (answers to work read before the
 * stop, traffic the node starts itself), is closed with {@code SLOW_CONSUMER}: at once, since it
 * would not read a last ERROR either.
 *
 * <p>What counts as reading is progress: the first message in the send buffer was written out, or
 * part of it was, which new writes behind it cannot fake (a count of bytes written less those
 * waiting could: every queued message adds Netty's overhead to the waiting bytes). A slow reader
 * therefore stays, held by the stop, however long it takes, unless its backlog passes the hard cap,
 * which closes a client however it reads, as NATS's {@code max_pending} does. Sits in front of the {@link PeerPauseGate}, so frames a client's
 * PAUSE holds back are that gate's to bound, not counted here. Used on the event loop only.
 */
final class UnreadOutput extends ChannelDuplexHandler {
    /** The longest time between two looks at a stopped connection's backlog. */
    private static final long LONGEST_LOOK_MILLIS = 100;

    private final NodeSession session;
    private final ReadingStops reading;
    private final long highWater;
    private final long max;
    private final long deadlineNanos;
    private final long lookMillis;
    private ChannelHandlerContext ctx;
    private boolean ended;
    /** The first message waiting in the send buffer at the last progress, and how much of it was written. */
    private Object firstAtProgress;
    private long writtenOfFirstAtProgress;
    private long progressAtNanos;
    private ScheduledFuture<?> looks;
    /** The connection's last frame waits behind the backlog: the looks go on, reading stopped or not. */
    private boolean lastFrameWaiting;

    /**
     * @param highWater      unwritten bytes at which reading stops
     * @param max            unwritten bytes past which the connection is closed at once
     * @param deadlineMillis how long a stopped client may read nothing before it is closed
     */
    UnreadOutput(NodeSession session, ReadingStops reading, long highWater, long max, int deadlineMillis) {
        this.session = session;
        this.reading = reading;
        this.highWater = highWater;
        this.max = max;
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMillis);
        this.lookMillis = Math.max(1, Math.min(LONGEST_LOOK_MILLIS, deadlineMillis / 10));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Bytes written for the client that it has not read yet: the connection's send buffer. Any thread. */
    long pending() {
        ChannelOutboundBuffer buffer = session.channel().unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /** Whether reading is stopped because the client leaves too much unread. */
    boolean stopped() {
        return reading.holds(Reason.UNREAD_OUTPUT);
    }

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) throws Exception {
        // On the event loop the transport's encoders run before this returns: the bytes are counted now.
        context.write(msg, promise);
        if (ended) {
            return;
        }
        long pending = pending();
        if (pending > max) {
            end("more than " + max + " bytes are waiting for the client to read them");
        } else if (pending > highWater && !stopped()) {
            stop();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        if (stopped() && context.channel().isWritable()) {
            look();
        }
        super.channelWritabilityChanged(context);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        ended = true;
        cancelLooks();
        super.channelInactive(context);
    }

    private void stop() {
        SessionState now = session.lifecycle();
        if (now == SessionState.CLOSING || now == SessionState.CLOSED) {
            // A close in progress reads on to see CLOSE_ACK; its own timeout ends it.
            return;
        }
        reading.set(Reason.UNREAD_OUTPUT, true);
        progressed();
        progressAtNanos = System.nanoTime();
        looks = ctx.executor().scheduleAtFixedRate(this::look, lookMillis, lookMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * The connection's last frame (a CLOSE_ACK, an ERROR that ends it) is written behind data the
     * client has not read: the client is held to the write deadline until it is out. Needed because
     * a closing session is never stopped ({@link #stop}), so nothing else would end a client that
     * sent CLOSE and then reads nothing.
     */
    void lastFrameWaiting() {
        if (ended || lastFrameWaiting) {
            return;
        }
        lastFrameWaiting = true;
        if (looks == null) {
            progressed();
            progressAtNanos = System.nanoTime();
            looks = ctx.executor().scheduleAtFixedRate(this::look, lookMillis, lookMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * While reading is stopped or the last frame waits: reads again once the backlog is down to
     * half, ends a client that reads nothing.
     */
    private void look() {
        if (ended || (!stopped() && !lastFrameWaiting)) {
            cancelLooks();
            return;
        }
        if (stopped() && pending() <= highWater / 2) {
            reading.set(Reason.UNREAD_OUTPUT, false);
            if (!lastFrameWaiting) {
                cancelLooks();
                return;
            }
        }
        long now = System.nanoTime();
        if (progressed()) {
            progressAtNanos = now;
        } else if (now - progressAtNanos >= deadlineNanos) {
            end("the client read nothing of the " + pending() + " bytes waiting for it for "
                    + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms");
        }
    }

    /**
     * Whether the socket took some of the send buffer since the last call: its first message is
     * another, or more of it was written. Remembers what it saw for the next call.
     */
    private boolean progressed() {
        ChannelOutboundBuffer buffer = session.channel().unsafe().outboundBuffer();
        Object first = buffer == null ? null : buffer.current();
        long written = buffer == null ? 0 : buffer.currentProgress();
        boolean progressed = first != firstAtProgress || written != writtenOfFirstAtProgress;
        firstAtProgress = first;
        writtenOfFirstAtProgress = written;
        return progressed;
    }

    private void end(String reason) {
        ended = true;
        cancelLooks();
        NodeSession.LOG.log(System.Logger.Level.INFO, () -> "Closing session " + session.id() + " as a slow consumer: "
                + reason);
        session.fail(0, ErrorCode.SLOW_CONSUMER, reason);
        // The ERROR waits behind what the client does not read: close without waiting for it.
        ctx.channel().close();
    }

    private void cancelLooks() {
        firstAtProgress = null; // no reference kept to a message the buffer has let go
        if (looks != null) {
            looks.cancel(false);
            looks = null;
        }
    }
}
