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
 */
public final class Heartbeats extends ChannelDuplexHandler {
    private final long readerIdleNanos;
    private final long writerIdleNanos;

    private ChannelHandlerContext ctx;
    private boolean started;
    private boolean reading;
    private long lastRead;
    private long lastWrite;
    private boolean firstReaderEvent = true;
    private boolean firstWriterEvent = true;
    private ScheduledFuture<?> readerTimer;
    private ScheduledFuture<?> writerTimer;

    public Heartbeats(long readerIdleMillis, long writerIdleMillis) {
        this.readerIdleNanos = TimeUnit.MILLISECONDS.toNanos(readerIdleMillis);
        this.writerIdleNanos = TimeUnit.MILLISECONDS.toNanos(writerIdleMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        if (context.channel().isActive() && context.channel().isRegistered()) {
            start();
        }
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
        if (readerIdleNanos > 0) {
            readerTimer = schedule(this::checkReader, readerIdleNanos);
        }
        if (writerIdleNanos > 0) {
            writerTimer = schedule(this::checkWriter, writerIdleNanos);
        }
    }

    private void stop() {
        started = false;
        if (readerTimer != null) {
            readerTimer.cancel(false);
            readerTimer = null;
        }
        if (writerTimer != null) {
            writerTimer.cancel(false);
            writerTimer = null;
        }
    }

    private ScheduledFuture<?> schedule(Runnable check, long delayNanos) {
        return ctx.executor().schedule(check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void checkReader() {
        if (!started || !ctx.channel().isOpen()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            lastRead = ctx.executor().ticker().nanoTime();
        }
        long left = reading ? readerIdleNanos : readerIdleNanos - (ctx.executor().ticker().nanoTime() - lastRead);
        if (left > 0) {
            readerTimer = schedule(this::checkReader, left);
            return;
        }
        readerTimer = schedule(this::checkReader, readerIdleNanos);
        IdleStateEvent event = firstReaderEvent ? IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT
                : IdleStateEvent.READER_IDLE_STATE_EVENT;
        firstReaderEvent = false;
        ctx.fireUserEventTriggered(event);
    }

    private void checkWriter() {
        if (!started || !ctx.channel().isOpen()) {
            return;
        }
        long left = writerIdleNanos - (ctx.executor().ticker().nanoTime() - lastWrite);
        if (left > 0) {
            writerTimer = schedule(this::checkWriter, left);
            return;
        }
        writerTimer = schedule(this::checkWriter, writerIdleNanos);
        IdleStateEvent event = firstWriterEvent ? IdleStateEvent.FIRST_WRITER_IDLE_STATE_EVENT
                : IdleStateEvent.WRITER_IDLE_STATE_EVENT;
        firstWriterEvent = false;
        ctx.fireUserEventTriggered(event);
    }
}
