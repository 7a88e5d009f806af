package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.concurrent.PromiseCombiner;

/**
 * Sends the length-prefixed frames written by the {@link io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder}
 * behind it as binary messages of the batched subprotocol (docs/protocol.md 2.2). That encoder
 * already gathers what one turn of the event loop writes into one buffer of whole frames, as on
 * TCP; each buffer becomes one message, unless it is longer than a message may be (the largest
 * frame plus its prefix), which happens when a large frame joins a batch: it is then cut at frame
 * boundaries into as few messages as fit, none longer than the limit and no frame split.
 *
 * <p>Until the session is authenticated the limit is the handshake limit of protocol section 2.3
 * plus one prefix (65540 bytes), in this direction as in the client's: before CONNECT_ACK a client
 * cannot know any other. Once the session's {@link FrameSizeLimit} passes on its way through the
 * pipeline it is the {@code maxFrameSize} of the session's CONNECT_ACK (plus one prefix).
 *
 * <p>One instance per connection, used on its event loop only.
 */
final class BatchMessageEncoder extends ChannelDuplexHandler {
    private final int maxFrameSize;
    private int maxMessage;

    /**
     * @param maxFrameSize the listener's largest frame; once the session is authenticated a message
     *                     holds up to that (or the session's lower limit) plus one prefix
     */
    BatchMessageEncoder(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
        this.maxMessage = BatchFrameDecoder.messageLimit(Math.min(FrameSizeLimit.HANDSHAKE, maxFrameSize));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof FrameSizeLimit size) {
            maxMessage = BatchFrameDecoder.messageLimit(Math.min(size.bytes(), maxFrameSize));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf frames)) {
            ctx.write(msg, promise);
            return;
        }
        if (frames.readableBytes() <= maxMessage) {
            ctx.write(new BinaryWebSocketFrame(frames), promise);
            return;
        }
        PromiseCombiner messages = new PromiseCombiner(ctx.executor());
        try {
            int start = frames.readerIndex();
            int end = frames.writerIndex();
            while (start < end) {
                int cut = start;
                // Whole frames while they fit; a message's first frame always goes in, as no frame is over the maximum.
                while (cut < end) {
                    int next = cut + BatchFrameDecoder.PREFIX + (int) frames.getUnsignedInt(cut);
                    if (cut > start && next - start > maxMessage) {
                        break;
                    }
                    cut = next;
                }
                messages.add(ctx.write(new BinaryWebSocketFrame(frames.retainedSlice(start, cut - start))));
                start = cut;
            }
        } finally {
            frames.release();
        }
        messages.finish(promise);
    }
}
