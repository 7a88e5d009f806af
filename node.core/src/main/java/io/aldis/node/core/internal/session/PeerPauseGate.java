package io.aldis.node.core.internal.session;

import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.codec.EncodedChunkData;
import io.aldis.protocol.api.codec.FrameBatch;
import io.aldis.protocol.api.codec.FrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * Honours a client's PAUSE (docs/protocol.md section 4.7): while the client has paused the node,
 * work frames written to the session are held back here, in order, and go out when the client
 * sends RESUME. The connection's own frames (PING, PONG, PAUSE, RESUME, CLOSE, CLOSE_ACK, CAPABILITY_CHANGE,
 * NODE_ADDRESSES and ERROR with request id 0) still pass. The channel reports itself not writable for the whole pause, so
 * features that watch writability apply their own policies (a slow-consumer policy, a bounded
 * queue) instead of writing; what is held back anyway is bounded by {@link #heldBytesLimit}, past
 * which {@link #overflow} runs. Sits in the pipeline just in front of the session handler, so it
 * sees frames before the transport encodes them; used on the event loop only.
 */
final class PeerPauseGate extends ChannelDuplexHandler {
    /** The bit of the channel's writability this gate owns (Netty lets handlers define bits 1 to 31). */
    private static final int WRITABILITY_BIT = 1;

    private record Held(Object message, ChannelPromise promise, int bytes) {
    }

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final long heldBytesLimit;
    private final Runnable overflow;
    private ChannelHandlerContext ctx;
    private boolean paused;
    private long heldBytes;

    /**
     * @param heldBytesLimit how many bytes of work frames may wait for the client's RESUME
     * @param overflow       run once when more would have to wait: the session ends
     */
    PeerPauseGate(long heldBytesLimit, Runnable overflow) {
        this.heldBytesLimit = heldBytesLimit;
        this.overflow = overflow;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Whether the client has paused the node. */
    boolean paused() {
        return paused;
    }

    /** The bytes of work frames waiting for RESUME. */
    long heldBytes() {
        return heldBytes;
    }

    /** The client sent PAUSE. */
    void pause() {
        if (paused) {
            return;
        }
        paused = true;
        setWritable(false);
    }

    /** The client sent RESUME: what was held goes out in order. */
    void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        Held h;
        while ((h = held.poll()) != null) {
            ctx.write(h.message, h.promise);
        }
        heldBytes = 0;
        ctx.flush();
        setWritable(true);
    }

    @Override
    public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) throws Exception {
        if (!paused || passesWhilePaused(msg)) {
            context.write(msg, promise);
            return;
        }
        int bytes = encodedSize(msg);
        if (heldBytes + bytes > heldBytesLimit) {
            ReferenceCountUtil.release(msg);
            fail(promise);
            overflow.run();
            return;
        }
        heldBytes += bytes;
        held.add(new Held(msg, promise, bytes));
    }

    @Override
    public void flush(ChannelHandlerContext context) {
        context.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        Held h;
        while ((h = held.poll()) != null) {
            // A frame that holds a buffer (a file chunk read for sending) is dropped here, so released here.
            ReferenceCountUtil.release(h.message);
            fail(h.promise);
        }
        heldBytes = 0;
        super.channelInactive(context);
    }

    private static void fail(ChannelPromise promise) {
        // A void promise would report the failure as an exception of the pipeline.
        if (!promise.isVoid()) {
            promise.tryFailure(new ClosedChannelException());
        }
    }

    private void setWritable(boolean writable) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        if (buffer != null) {
            buffer.setUserDefinedWritability(WRITABILITY_BIT, writable);
        }
    }

    /** The connection's own frames, which a client's PAUSE does not stop. */
    static boolean passesWhilePaused(Object msg) {
        if (msg instanceof FrameBatch batch) {
            for (Frame frame : batch.frames()) {
                if (!passesWhilePaused(frame)) {
                    return false;
                }
            }
            return true;
        }
        return msg instanceof Ping || msg instanceof Pong || msg instanceof Pause || msg instanceof Resume
                || msg instanceof Close || msg instanceof CloseAck || msg instanceof CapabilityChange
                || msg instanceof NodeAddresses
                || (msg instanceof ErrorFrame error && error.requestId() == 0)
                || !(msg instanceof Frame);
    }

    private static int encodedSize(Object msg) {
        if (msg instanceof EncodedChunkData chunk) {
            return chunk.content().readableBytes(); // already the frame's bytes: no need to encode a copy
        }
        ByteBuf scratch = Unpooled.buffer();
        try {
            if (msg instanceof FrameBatch batch) {
                for (Frame frame : batch.frames()) {
                    FrameCodec.encode(frame, scratch);
                }
            } else {
                FrameCodec.encode((Frame) msg, scratch);
            }
            return scratch.readableBytes();
        } catch (RuntimeException unencodable) {
            // The transport's encoder will fail this write itself; count it as a header.
            return 2;
        } finally {
            scratch.release();
        }
    }
}
