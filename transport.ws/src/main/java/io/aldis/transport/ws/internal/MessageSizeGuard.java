package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Consumer;

/**
 * Refuses a WebSocket message that is longer than the connection's current limit as soon as the
 * header of the frame that makes it too long has arrived, before any of that frame's payload is
 * held. It sits on the raw bytes in front of Netty's WebSocket decoder, reads only the frame
 * headers going by (opcode and payload length; the payload is counted, never copied) and passes
 * every byte on unchanged.
 *
 * <p>Why not Netty's own check: the decoder's {@code maxFramePayloadLength} is fixed when the
 * decoder is built, while the limit here changes on a live connection: the handshake limit of
 * protocol section 2.3 until the session is authenticated, then the negotiated maximum, raised
 * by a {@link FrameSizeLimit} event as on TCP. Swapping the decoder at that moment would lose its
 * place in the byte stream whenever part of a frame header had already been read. Netty's decoder
 * and message aggregator keep the listener's maximum as a backstop.
 *
 * <p>Under the batched subprotocol a message may be longer than the limit by the length prefix of
 * the one frame it can then hold (docs/protocol.md 2.2): the guard is built with that allowance.
 *
 * <p>A data frame counts with the fragments of its message before it, so a fragmented message is
 * refused at the header of the fragment that takes it over the limit. Control frames are left to
 * Netty's decoder, which refuses any longer than 125 bytes.
 *
 * <p>On a refusal the bytes before the refused frame are passed on (with the refused frame's
 * header bytes that came in earlier reads, at most 9: Netty's decoder holds them), everything after is
 * discarded, {@code onRefusal} learns the close reason (the listener closes with status 1009), a
 * fatal {@link DecodeFailure} {@code FRAME_TOO_LARGE} goes down the pipeline for the node to
 * answer with ERROR, and the channel is closed.
 *
 * <p>One instance per connection, used on its event loop only.
 */
final class MessageSizeGuard extends ChannelInboundHandlerAdapter {
    private static final int CONTINUATION = 0x0;
    private static final int FIRST_CONTROL_OPCODE = 0x8;
    private static final int MAX_CONTROL_PAYLOAD = 125;

    private final int maxFrameSize;
    private final int allowance;
    private final Consumer<String> onRefusal;
    private int limit;
    private boolean refused;
    /** Set when a control frame announces more than Netty's decoder accepts: that decoder closes the connection. */
    private boolean leftToNetty;

    private int headerBytesRead;
    private int opcode;
    private boolean masked;
    private int extendedLengthBytes;
    private long payloadLength;
    private long payloadLeft;
    /** The length of the data message being received, its earlier fragments included. */
    private long messageLength;

    /**
     * @param firstLimit   the longest message accepted until a {@link FrameSizeLimit} event raises it
     * @param maxFrameSize the longest message ever accepted (the listener's maximum)
     * @param allowance    bytes a message may hold beyond the limit: 0 for one frame per message,
     *                     the length prefix for the batched subprotocol
     * @param onRefusal    told the close reason just before a refusal closes the connection
     */
    MessageSizeGuard(int firstLimit, int maxFrameSize, int allowance, Consumer<String> onRefusal) {
        this.maxFrameSize = maxFrameSize;
        this.allowance = allowance;
        this.limit = Math.min(firstLimit, maxFrameSize);
        this.onRefusal = onRefusal;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof FrameSizeLimit size) {
            limit = Math.min(size.bytes(), maxFrameSize);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (refused) {
            bytes.release();
            return;
        }
        if (leftToNetty) {
            ctx.fireChannelRead(bytes);
            return;
        }
        int index = bytes.readerIndex();
        int end = bytes.writerIndex();
        // Where the frame being read starts in this buffer; its header may have begun in an earlier one.
        int frameStart = index;
        while (index < end) {
            if (payloadLeft > 0) {
                int skipped = (int) Math.min(payloadLeft, end - index);
                index += skipped;
                payloadLeft -= skipped;
                continue;
            }
            if (headerBytesRead == 0) {
                frameStart = index;
            }
            String refusal = readHeaderByte(bytes.getUnsignedByte(index++));
            if (refusal != null) {
                refuse(ctx, bytes, frameStart, refusal);
                return;
            }
            if (leftToNetty) {
                break;
            }
        }
        ctx.fireChannelRead(bytes);
    }

    /** Takes the next header byte; returns why the message is refused, or null. */
    private String readHeaderByte(int b) {
        int position = headerBytesRead++;
        if (position == 0) {
            opcode = b & 0x0F;
            payloadLength = 0;
            return null;
        }
        if (position == 1) {
            masked = (b & 0x80) != 0;
            int shortLength = b & 0x7F;
            extendedLengthBytes = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0;
            if (extendedLengthBytes == 0) {
                payloadLength = shortLength;
            }
        } else if (position <= 1 + extendedLengthBytes) {
            payloadLength = (payloadLength << 8) | b;
        }
        String refusal = null;
        if (position == 1 + extendedLengthBytes) {
            refusal = judgeLength();
        }
        if (headerBytesRead == 2 + extendedLengthBytes + (masked ? 4 : 0)) {
            headerBytesRead = 0;
            payloadLeft = payloadLength;
        }
        return refusal;
    }

    private String judgeLength() {
        if (opcode >= FIRST_CONTROL_OPCODE) {
            if (payloadLength > MAX_CONTROL_PAYLOAD || payloadLength < 0) {
                leftToNetty = true;
            }
            return null;
        }
        String authentication = limit < maxFrameSize ? " bytes before authentication" : " bytes";
        // Under the batched subprotocol the message holds length-prefixed frames, so its length is not a frame's.
        String what = allowance == 0 ? "frame length " : "message length ";
        long messageLimit = (long) limit + allowance;
        if (payloadLength < 0 || payloadLength > messageLimit) {
            return what + Long.toUnsignedString(payloadLength) + " exceeds the maximum of " + messageLimit
                    + authentication;
        }
        long length = opcode == CONTINUATION ? messageLength + payloadLength : payloadLength;
        if (length > messageLimit) {
            return what + "of at least " + length + " (a fragmented WebSocket message) exceeds the maximum of "
                    + messageLimit + authentication;
        }
        messageLength = length;
        return null;
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf bytes, int frameStart, String message) {
        refused = true;
        int before = frameStart - bytes.readerIndex();
        if (before > 0) {
            ctx.fireChannelRead(bytes.retainedSlice(bytes.readerIndex(), before));
        }
        bytes.release();
        onRefusal.accept((allowance == 0 ? "frame" : "message") + " larger than " + (limit + allowance)
                + (limit < maxFrameSize ? " bytes before authentication" : " bytes"));
        ctx.fireChannelRead(new DecodeFailure(ErrorCode.FRAME_TOO_LARGE, message, true));
        // Through the whole pipeline, so the listener sends its close frame; a no-op if the node closed already.
        ctx.channel().close();
    }
}
