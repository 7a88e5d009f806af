package io.aldis.protocol.codec;

import io.aldis.protocol.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes each {@link Frame} behind a 4-byte big-endian length prefix that counts the bytes of the
 * frame (type, flags and body). Stateless, so one instance serves every pipeline.
 */
@Sharable
public class LengthPrefixedFrameEncoder extends MessageToByteEncoder<Frame> {
    /** The shared instance. */
    public static final LengthPrefixedFrameEncoder INSTANCE = new LengthPrefixedFrameEncoder();

    /** Creates an encoder; prefer {@link #INSTANCE}. */
    public LengthPrefixedFrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) {
        int lengthIndex = out.writerIndex();
        // The body size is only known once written, so reserve the prefix and patch it afterwards
        // rather than encoding twice.
        out.writeInt(0);
        FrameCodec.encode(frame, out);
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }
}
