package io.aldis.protocol.api.codec;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent}s like Netty's {@code IdleStateHandler} with a reader and a writer
 * time, but notes output once per flush instead of once per written frame. The stock handler
 * turns every write's promise into a real one and listens to it, which costs a promise, a
 * listener and a notification per frame; here a flush just stores the time. Node and client
 * both use it; on the node it sits behind the flush consolidation, so it sees few flushes. Output counts from the moment it is flushed, not
 * from when the socket took it; a ping is then sent a little later on a connection whose writes
 * are stuck, where it would not get through anyway.
 *
 * <p>While reading is suspended on this side ({@code autoRead} off: the node holding a publisher,
 * a client whose handlers are behind), the peer's silence is ours, not the peer's: it does not
 * count towards the reader time (which then runs from the last check made while suspended, at
 * most one reader time before reading resumed).
 *
 * <p>Each connection has one timer for both times, and it fires on a grid shared by the connections
 * of its event loop: a check falls due at the first point of the grid at or after the time it
 * waits for, one {@value #GRID_STEPS}th of the shorter time apart. So the heartbeats of many idle
 * connections are sent in one wake-up of the loop instead of one wake-up each, and their answers
 * come back together; an event comes at most one step of the grid late. Each event loop's grid has
 * a phase of its own, so that two sides of a connection in processes on one machine do not fall
 * due at the same instants and both send a ping every time.
 */
public final class Heartbeats extends ChannelDuplexHandler {
    /** Points of the grid per the shorter of the two times. */
    static final int GRID_STEPS = 32;
    private static final long SMALLEST_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final long readerIdleNanos;
    private final long writerIdleNanos;
    private final long stepNanos;

    private ChannelHandlerContext ctx;
    private long phaseNanos;
    private boolean started;
    private boolean reading;
    private long lastRead;
    private long lastWrite;
    private boolean firstReaderEvent = true;
    private boolean firstWriterEvent = true;
    /** When the reader time and the writer time are next looked at; unused when that time is 0. */
    private long readerCheckAt;
    private long writerCheckAt;
    private ScheduledFuture<?> timer;

    public Heartbeats(long readerIdleMillis, long writerIdleMillis) {
        this.readerIdleNanos = TimeUnit.MILLISECONDS.toNanos(readerIdleMillis);
        this.writerIdleNanos = TimeUnit.MILLISECONDS.toNanos(writerIdleMillis);
        long shorter = readerIdleNanos <= 0 ? writerIdleNanos
                : writerIdleNanos <= 0 ? readerIdleNanos : Math.min(readerIdleNanos, writerIdleNanos);
        this.stepNanos = Math.max(SMALLEST_STEP_NANOS, shorter / GRID_STEPS);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.phaseNanos = phaseOf(context.executor(), stepNanos);
        if (context.channel().isActive() && context.channel().isRegistered()) {
            start();
        }
    }

    /** The loop's own offset of the grid: the same for its connections, unrelated between loops and processes. */
    static long phaseOf(Object loop, long stepNanos) {
        long mixed = System.identityHashCode(loop) * 0x9E3779B97F4A7C15L;
        return Math.floorMod(mixed ^ (mixed >>> 29), stepNanos);
    }

    /** The first point of the grid at or after {@code due}. */
    static long onGrid(long due, long stepNanos, long phaseNanos) {
        long steps = Math.floorDiv(due - phaseNanos + stepNanos - 1, stepNanos);
        return steps * stepNanos + phaseNanos;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        stop();
    }

    @Override
    public void channelRegistered(ChannelHandlerContext context) throws Exception {
        if (context.channel().isActive()) {
            start();
        }
        super.channelRegistered(context);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        start();
        super.channelActive(context);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        stop();
        super.channelInactive(context);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) throws Exception {
        reading = true;
        firstReaderEvent = true;
        context.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) throws Exception {
        boolean read = reading;
        if (read) {
            lastRead = context.executor().ticker().nanoTime();
            reading = false;
        }
        context.fireChannelReadComplete();
        if (read) {
            // What was read may have been handled right here (a method, a client's callback): the
            // time that took is this side's, not the peer's silence.
            lastRead = context.executor().ticker().nanoTime();
        }
    }

    @Override
    public void flush(ChannelHandlerContext context) throws Exception {
        lastWrite = context.executor().ticker().nanoTime();
        firstWriterEvent = true;
        context.flush();
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        long now = ctx.executor().ticker().nanoTime();
        lastRead = now;
        lastWrite = now;
        readerCheckAt = now + readerIdleNanos;
        writerCheckAt = now + writerIdleNanos;
        arm(now);
    }

    private void stop() {
        started = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Sets the timer to the grid point of the earlier check, if there is a check to make. */
    private void arm(long now) {
        long due = Long.MAX_VALUE;
        if (readerIdleNanos > 0) {
            due = readerCheckAt;
        }
        if (writerIdleNanos > 0) {
            due = Math.min(due, writerCheckAt);
        }
        if (due == Long.MAX_VALUE) {
            timer = null;
            return;
        }
        long delay = Math.max(0, onGrid(due, stepNanos, phaseNanos) - now);
        timer = ctx.executor().schedule(this::check, delay, TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (!started || !ctx.channel().isOpen()) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        // Each check may fire an event whose handler closes the channel or writes: both run in turn.
        if (readerIdleNanos > 0 && now >= readerCheckAt) {
            checkReader(now);
        }
        if (started && writerIdleNanos > 0 && now >= writerCheckAt && ctx.channel().isOpen()) {
            checkWriter(ctx.executor().ticker().nanoTime());
        }
        if (started && timer == null && ctx.channel().isOpen()) {
            arm(ctx.executor().ticker().nanoTime());
        }
    }

    private void checkReader(long now) {
        if (!ctx.channel().config().isAutoRead()) {
            lastRead = now;
        }
        long left = reading ? readerIdleNanos : readerIdleNanos - (now - lastRead);
        if (left > 0) {
            readerCheckAt = now + left;
            return;
        }
        readerCheckAt = now + readerIdleNanos;
        IdleStateEvent event = firstReaderEvent ? IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT
                : IdleStateEvent.READER_IDLE_STATE_EVENT;
        firstReaderEvent = false;
        ctx.fireUserEventTriggered(event);
    }

    private void checkWriter(long now) {
        long left = writerIdleNanos - (now - lastWrite);
        if (left > 0) {
            writerCheckAt = now + left;
            return;
        }
        writerCheckAt = now + writerIdleNanos;
        IdleStateEvent event = firstWriterEvent ? IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT
                : IdleStateEvent.WRITER_IDLE_STATE_EVENT;
        firstWriterEvent = false;
        ctx.fireUserEventTriggered(event);
    }
}
