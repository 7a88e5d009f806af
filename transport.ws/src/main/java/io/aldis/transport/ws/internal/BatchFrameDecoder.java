package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Frames from the messages of the batched subprotocol (docs/protocol.md 2.2): each complete
 * binary message holds one or more frames behind their length prefixes, read by the same decoder
 * and with the same limits as on TCP. What this class adds is the message boundary: a message
 * must end exactly where a frame ends, so an empty message, or one whose last prefix or frame is
 * cut short, is a fatal {@code MALFORMED_FRAME} instead of being completed by the next message.
 * A text message is a fatal protocol error, as under the one-frame subprotocol.
 *
 * <p>The message limit itself (the frame limit plus one {@link #PREFIX}) is
 * {@link MessageSizeGuard}'s, from the WebSocket frame headers.
 *
 * <p>One instance per connection, used on its event loop only.
 */
final class BatchFrameDecoder extends LengthPrefixedFrameDecoder {
    /** The length prefix in front of each frame of a batched message. */
    static final int PREFIX = 4;

    /**
     * The longest batched message for frames of at most {@code maxFrameSize} bytes: one such frame
     * and its prefix, or the largest a message can be when the frame limit leaves no room for more.
     */
    static int messageLimit(int maxFrameSize) {
        return (int) Math.min((long) maxFrameSize + PREFIX, Integer.MAX_VALUE);
    }

    private boolean broken;

    /**
     * @param maxFrameSize the largest frame ever accepted
     * @param initialLimit the largest frame accepted until a {@link io.aldis.protocol.api.codec.FrameSizeLimit} event
     */
    BatchFrameDecoder(int maxFrameSize, int initialLimit) {
        super(maxFrameSize, initialLimit);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof WebSocketFrame)) {
            // Not a message: such as the refusal MessageSizeGuard sends down the pipeline, for the node to answer.
            ctx.fireChannelRead(msg);
            return;
        }
        if (broken || failed()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof BinaryWebSocketFrame message)) {
            String kind = msg.getClass().getSimpleName();
            ReferenceCountUtil.release(msg);
            fail(ctx, ErrorCode.PROTOCOL_ERROR, "only binary WebSocket messages carry frames; got " + kind);
            return;
        }
        if (!message.content().isReadable()) {
            message.release();
            fail(ctx, ErrorCode.MALFORMED_FRAME, "an empty WebSocket message; each carries at least one frame");
            return;
        }
        // The decoder takes the content over and releases it once read.
        super.channelRead(ctx, message.content());
        int left = actualReadableBytes();
        if (left > 0 && !failed()) {
            internalBuffer().skipBytes(left);
            fail(ctx, ErrorCode.MALFORMED_FRAME, "a WebSocket message ends inside a frame (" + left
                    + " bytes of it); a frame never continues in the next message");
        }
    }

    private void fail(ChannelHandlerContext ctx, ErrorCode code, String message) {
        broken = true;
        ctx.fireChannelRead(new DecodeFailure(code, message, true));
    }
}
