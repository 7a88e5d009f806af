package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.codec.DecodeFailure;
import io.aldis.protocol.api.codec.FrameBatch;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.codec.RepeatedStrings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * One protocol frame per WebSocket message. Inbound, each complete binary message (fragments are
 * joined in front of this handler) is decoded into exactly one {@link Frame}; a text message or
 * bytes that are not a frame become a {@link DecodeFailure}, which the node answers with ERROR.
 * Outbound, each {@link Frame}, and each frame of a {@link FrameBatch}, becomes one binary message.
 * A message reaching this handler is within the connection's current frame size limit:
 * {@link MessageSizeGuard} refused any longer one from its header.
 *
 * <p>Message boundaries survive a bad message here, unlike on TCP, so only an unknown frame type
 * is passed on as non-fatal (as on TCP); a text message or a malformed frame means the peer does
 * not speak the protocol, and is fatal.
 *
 * <p>One instance per connection: it keeps that connection's {@link RepeatedStrings}.
 */
final class WsFrameCodec extends MessageToMessageCodec<WebSocketFrame, Object> {
    private final RepeatedStrings strings = new RepeatedStrings();

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame message, List<Object> out) {
        if (!(message instanceof BinaryWebSocketFrame)) {
            out.add(new DecodeFailure(ErrorCode.PROTOCOL_ERROR, "only binary WebSocket messages carry frames; got "
                    + message.getClass().getSimpleName(), true));
            return;
        }
        ByteBuf content = message.content();
        try {
            out.add(FrameCodec.decode(content, strings));
        } catch (ProtocolException e) {
            out.add(new DecodeFailure(e.code(), e.getMessage(), e.code() != ErrorCode.UNKNOWN_FRAME_TYPE));
        } catch (RuntimeException e) {
            // FrameCodec promises only ProtocolException; keep this handler's promise regardless.
            out.add(new DecodeFailure(ErrorCode.MALFORMED_FRAME, "undecodable frame", true));
        }
    }

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return msg instanceof Frame || msg instanceof FrameBatch;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof FrameBatch frames) {
            for (Frame frame : frames.frames()) {
                out.add(message(ctx, frame));
            }
        } else {
            out.add(message(ctx, (Frame) msg));
        }
    }

    private BinaryWebSocketFrame message(ChannelHandlerContext ctx, Frame frame) {
        ByteBuf buf = ctx.alloc().buffer();
        try {
            FrameCodec.encode(frame, buf, strings);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        return new BinaryWebSocketFrame(buf);
    }
}
