package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into frames, each behind a 4-byte big-endian length prefix, and decodes
 * them with {@link FrameCodec}. Emits {@link io.aldis.protocol.api.Frame}s, or a {@link DecodeFailure}
 * when the input is bad; no exception ever leaves this handler.
 *
 * <p>A length prefix of 0 or 1 (too short for type and flags) or above the maximum frame size is
 * rejected as soon as the prefix is read, before any of the body is awaited, so a peer cannot make
 * the node reserve memory by announcing a large frame. Such a failure, and a malformed body, are
 * fatal: every later byte is discarded because the frame boundaries can no longer be trusted. A
 * frame of an unknown type is skipped with a non-fatal failure, its length being trustworthy.
 *
 * <p>A decoder may start with a lower limit than its maximum, such as the handshake limit of
 * {@link FrameSizeLimit#HANDSHAKE} bytes, and raise it (never above the maximum) when a
 * {@link FrameSizeLimit} event passes through the pipeline.
 *
 * <p>A frame longer than one read is gathered in one buffer sized for the whole frame once its
 * prefix is known, instead of a buffer that grows by copying itself as reads arrive.
 *
 * <p>Not sharable: it keeps the cumulation buffer, the failed state and the {@link RepeatedStrings}
 * of one connection.
 */
public class LengthPrefixedFrameDecoder extends ByteToMessageDecoder {
    private static final int PREFIX = 4;
    private static final int MIN_FRAME = 2;
    /** A frame's buffer is sized for all of it once 1 / this of it has come. */
    private static final int PRESIZE_SHARE = 4;

    private final int maxFrameSize;
    private final RepeatedStrings strings = new RepeatedStrings();
    private int limit;
    private boolean failed;
    /** The bytes of the frame being gathered, its prefix included; 0 while no frame is incomplete. */
    private int awaited;

    /**
     * @param maxFrameSize the largest frame accepted, in bytes, counting type and flags
     */
    public LengthPrefixedFrameDecoder(int maxFrameSize) {
        this(maxFrameSize, maxFrameSize);
    }

    /**
     * A decoder that accepts frames up to {@code initialLimit} bytes until a {@link FrameSizeLimit}
     * event raises the limit, at most to {@code maxFrameSize}.
     *
     * @param maxFrameSize the largest frame ever accepted, in bytes, counting type and flags
     * @param initialLimit the largest frame accepted until told otherwise; capped at {@code maxFrameSize}
     */
    public LengthPrefixedFrameDecoder(int maxFrameSize, int initialLimit) {
        if (maxFrameSize < MIN_FRAME) {
            throw new IllegalArgumentException("maxFrameSize must be at least " + MIN_FRAME + ": " + maxFrameSize);
        }
        if (initialLimit < MIN_FRAME) {
            throw new IllegalArgumentException("initialLimit must be at least " + MIN_FRAME + ": " + initialLimit);
        }
        this.maxFrameSize = maxFrameSize;
        this.limit = Math.min(initialLimit, maxFrameSize);
        setCumulator(this::cumulate);
    }

    /**
     * Appends a read to what is held, as Netty's merging cumulator does, except when the held
     * bytes begin a frame that the read does not complete and the buffer has no room for the read:
     * then the frame's bytes move once into a buffer that holds the whole frame, so the reads that
     * follow it are appended without the buffer growing (and copying itself) again. Only once a
     * {@value #PRESIZE_SHARE}th of the frame is there: a peer that announces a large frame and
     * sends little of it holds no more than that many times what it sent.
     */
    private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf held, ByteBuf read) {
        int heldBytes = held.readableBytes();
        int readBytes = read.readableBytes();
        long gathered = (long) heldBytes + readBytes;
        if (awaited == 0 || heldBytes == 0 || gathered >= awaited || gathered * PRESIZE_SHARE < awaited
                || held.writableBytes() >= readBytes) {
            return MERGE_CUMULATOR.cumulate(alloc, held, read);
        }
        ByteBuf whole = alloc.buffer(awaited);
        try {
            whole.writeBytes(held, held.readerIndex(), heldBytes);
            whole.writeBytes(read, read.readerIndex(), readBytes);
        } catch (RuntimeException | Error e) {
            whole.release();
            read.release();
            throw e;
        }
        held.release();
        read.release();
        return whole;
    }

    /** The largest frame ever accepted, in bytes. */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** The largest frame accepted right now, in bytes. */
    public int limit() {
        return limit;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof FrameSizeLimit size) {
            limit = Math.min(size.bytes(), maxFrameSize);
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Whether a fatal failure was reported; all input is discarded from then on. */
    public boolean failed() {
        return failed;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        awaited = 0;
        if (in.readableBytes() < PREFIX) {
            return;
        }
        long length = in.getUnsignedInt(in.readerIndex());
        if (length > limit) {
            fail(in, out, ErrorCode.FRAME_TOO_LARGE,
                    "frame length " + length + " exceeds the maximum of " + limit
                            + (limit < maxFrameSize ? " bytes before authentication" : " bytes"));
            return;
        }
        if (length < MIN_FRAME) {
            fail(in, out, ErrorCode.MALFORMED_FRAME, "frame length " + length + " is shorter than a frame header");
            return;
        }
        int frameLength = (int) length;
        if (in.readableBytes() < PREFIX + frameLength) {
            awaited = PREFIX + frameLength;
            return;
        }
        in.skipBytes(PREFIX);
        int start = in.readerIndex();
        int end = start + frameLength;
        int writerIndex = in.writerIndex();
        // Decoded frames keep no reference to the buffer, so bounding it to this frame for the
        // decode does what a slice would, without allocating one per frame.
        in.writerIndex(end);
        try {
            out.add(FrameCodec.decode(in, strings));
        } catch (ProtocolException e) {
            restore(in, writerIndex, end);
            if (e.code() == ErrorCode.UNKNOWN_FRAME_TYPE) {
                out.add(new DecodeFailure(ErrorCode.UNKNOWN_FRAME_TYPE, e.getMessage(), false));
            } else {
                fail(in, out, e.code(), e.getMessage());
            }
            return;
        } catch (RuntimeException e) {
            restore(in, writerIndex, end);
            // FrameCodec promises only ProtocolException; this keeps the promise of this handler
            // even if that one is ever broken.
            fail(in, out, ErrorCode.MALFORMED_FRAME, "undecodable frame of type 0x"
                    + Integer.toHexString(in.getUnsignedByte(start)));
            return;
        }
        restore(in, writerIndex, end);
    }

    private static void restore(ByteBuf in, int writerIndex, int frameEnd) {
        in.writerIndex(writerIndex);
        in.readerIndex(frameEnd);
    }

    private void fail(ByteBuf in, List<Object> out, ErrorCode code, String message) {
        failed = true;
        awaited = 0;
        in.skipBytes(in.readableBytes());
        out.add(new DecodeFailure(code, message, true));
    }
}
