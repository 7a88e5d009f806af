package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.util.AttributeKey;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes each {@link Frame}, and each frame of a {@link FrameBatch}, behind a 4-byte big-endian
 * length prefix that counts the bytes of the frame (type, flags and body). Frames written between two flushes are encoded one after the
 * other into one buffer, which goes down the pipeline on the flush (or once it holds
 * {@value #BATCH_BYTES} bytes): one allocation and one outbound-buffer entry per batch instead of
 * per frame. Each frame's promise still completes with the write of its batch; a frame that
 * cannot be encoded fails its own promise and leaves the batch as it was. The batch of a channel
 * lives in a channel attribute, so one instance serves every pipeline; so does the channel's
 * {@link RepeatedStrings}, which spares re-encoding the subjects it keeps writing.
 */
@Sharable
public class LengthPrefixedFrameEncoder extends MessageToByteEncoder<Frame> {
    /** The shared instance. */
    public static final LengthPrefixedFrameEncoder INSTANCE = new LengthPrefixedFrameEncoder();

    /** A batch this large is passed on without waiting for the flush, so it stays bounded. */
    static final int BATCH_BYTES = 32 * 1024;
    /** CHUNK_DATA's bytes before its data (docs/protocol.md 5.7). */
    private static final int CHUNK_DATA_HEADER = 30;

    private static final AttributeKey<Batch> BATCH = AttributeKey.valueOf(LengthPrefixedFrameEncoder.class, "batch");

    /** Frames encoded since the last flush, with the promises to complete when they are written. */
    private static final class Batch {
        final RepeatedStrings strings = new RepeatedStrings();
        ByteBuf buf;
        List<ChannelPromise> promises = new ArrayList<>();
        boolean voidPromises;
    }

    /** Creates an encoder; prefer {@link #INSTANCE}. */
    public LengthPrefixedFrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        encode(frame, out, null);
    }

    private static void encode(Frame frame, ByteBuf out, RepeatedStrings strings) {
        int lengthIndex = out.writerIndex();
        // The body size is only known once written, so reserve the prefix and patch it afterwards
        // rather than encoding twice.
        out.writeInt(0);
        FrameCodec.encode(frame, out, strings);
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof EncodedChunkData encoded) {
            writeBatch(ctx); // keeps the order of everything written
            ctx.write(encoded.takeLengthPrefixed(), promise);
        } else if (msg instanceof Frame frame) {
            Batch batch = batch(ctx);
            if (append(ctx, batch, frame, promise)) {
                settleWith(batch, promise);
                passOnIfFull(ctx, batch);
            }
        } else if (msg instanceof FrameBatch frames) {
            Batch batch = batch(ctx);
            for (Frame frame : frames.frames()) {
                // Checked before each frame, so that the last one's buffer is still open for the promise.
                passOnIfFull(ctx, batch);
                if (!append(ctx, batch, frame, promise)) {
                    return;
                }
            }
            if (batch.buf == null) {
                promise.trySuccess(); // an empty list: nothing to write
                return;
            }
            settleWith(batch, promise);
            passOnIfFull(ctx, batch);
        } else {
            writeBatch(ctx); // keeps the order of everything written
            ctx.write(msg, promise);
        }
    }

    private static Batch batch(ChannelHandlerContext ctx) {
        Batch batch = ctx.channel().attr(BATCH).get();
        if (batch == null) {
            batch = new Batch();
            ctx.channel().attr(BATCH).set(batch);
        }
        return batch;
    }

    /** Encodes one frame into the batch; false (with the promise failed) when it cannot be encoded. */
    private static boolean append(ChannelHandlerContext ctx, Batch batch, Frame frame, ChannelPromise promise) {
        if (frame instanceof ChunkData chunk && chunk.data().length >= BATCH_BYTES) {
            // A file chunk gets a buffer of its own at its size: grown from 1 KiB, the buffer of a chunk
            // of about 1 MiB was reallocated eleven times and ended at 2 MiB, which cost a download in
            // such chunks a sixth of its speed and three times its CPU (docs/benchmarks.md).
            writeBatch(ctx);
            batch.buf = ctx.alloc().ioBuffer(4 + CHUNK_DATA_HEADER + chunk.data().length);
        } else if (batch.buf == null) {
            batch.buf = ctx.alloc().ioBuffer(1024);
        }
        int start = batch.buf.writerIndex();
        try {
            encode(frame, batch.buf, batch.strings);
        } catch (Throwable e) {
            batch.buf.writerIndex(start);
            promise.setFailure(e instanceof EncoderException ? e : new EncoderException(e));
            return false;
        }
        return true;
    }

    /** Makes {@code promise} complete with the write of the batch being filled. */
    private static void settleWith(Batch batch, ChannelPromise promise) {
        if (promise.isVoid()) {
            batch.voidPromises = true;
        } else {
            batch.promises.add(promise);
        }
    }

    private static void passOnIfFull(ChannelHandlerContext ctx, Batch batch) {
        if (batch.buf != null && batch.buf.readableBytes() >= BATCH_BYTES) {
            writeBatch(ctx);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) throws Exception {
        writeBatch(ctx);
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        // As with the outbound buffer: what was written but not flushed is not sent.
        discardBatch(ctx);
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
        discardBatch(ctx);
        super.handlerRemoved(ctx);
    }

    /** Passes the batch on, if there is one, with a promise that completes every frame's. */
    private static void writeBatch(ChannelHandlerContext ctx) {
        Batch batch = ctx.channel().attr(BATCH).get();
        if (batch == null || batch.buf == null) {
            return;
        }
        ByteBuf buf = batch.buf;
        List<ChannelPromise> promises = batch.promises;
        boolean voidPromises = batch.voidPromises;
        batch.buf = null;
        batch.voidPromises = false;
        if (!buf.isReadable()) {
            buf.release(); // every frame since the last flush failed to encode, and was told so
            return;
        }
        if (promises.isEmpty()) {
            ctx.write(buf, ctx.voidPromise());
            return;
        }
        batch.promises = new ArrayList<>();
        if (promises.size() == 1 && !voidPromises) {
            ctx.write(buf, promises.get(0));
            return;
        }
        ctx.write(buf).addListener(written -> {
            Throwable cause = written.cause();
            for (ChannelPromise p : promises) {
                if (cause == null) {
                    p.trySuccess();
                } else {
                    p.tryFailure(cause);
                }
            }
            if (cause != null && voidPromises) {
                // What a void promise does on failure.
                ctx.fireExceptionCaught(cause);
            }
        });
    }

    private static void discardBatch(ChannelHandlerContext ctx) {
        Batch batch = ctx.channel().attr(BATCH).getAndSet(null);
        if (batch == null || batch.buf == null) {
            return;
        }
        batch.buf.release();
        batch.buf = null;
        ClosedChannelException closed = new ClosedChannelException();
        for (ChannelPromise p : batch.promises) {
            p.tryFailure(closed);
        }
    }
}
