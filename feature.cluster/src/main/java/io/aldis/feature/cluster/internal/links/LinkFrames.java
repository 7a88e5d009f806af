package io.aldis.feature.cluster.internal.links;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * The frames of a link between two members: a 4-byte big-endian length of what follows, one byte
 * of kind, and the body. The handshake's three frames come first ({@link LinkHandshake}); after
 * them the connecting member sends {@link #MESSAGE} and {@link #RPC} frames, whose bodies are a
 * pub/sub message ({@code routing.WireMessage}) and an RPC message ({@code rpc.RpcMessage}), and
 * {@link #PING}s, which the accepting member answers with {@link #PONG}, its only frame then.
 */
final class LinkFrames {
    static final byte CHALLENGE = 1;
    static final byte HELLO = 2;
    static final byte WELCOME = 3;
    /** From the connecting member every {@link #PING_SECONDS}, answered with {@link #PONG}; empty. */
    static final byte PING = 4;
    static final byte PONG = 5;
    static final int PING_SECONDS = 5;
    /** Either side closes a link on which nothing came for this long. */
    static final int SILENCE_SECONDS = 20;
    static final byte MESSAGE = 16;
    static final byte RPC = 17;
    /** Length prefix and kind. */
    static final int HEADER = 5;

    private LinkFrames() {
    }

    /** Writes one frame. */
    static void write(ByteBuf out, byte kind, byte[] body) {
        out.writeInt(1 + body.length);
        out.writeByte(kind);
        out.writeBytes(body);
    }

    /** Writes one frame whose body is {@code length} bytes long. */
    static void write(ByteBuf out, byte kind, LinkBody body, int length) {
        out.writeInt(1 + length);
        out.writeByte(kind);
        body.writeTo(out);
    }

    /** One frame read: its kind and body. */
    record Frame(byte kind, byte[] body) {
    }

    /**
     * Splits a link's bytes into {@link Frame}s. A frame longer than the limit, or without a kind,
     * fails the link as soon as its length is read, before its body is awaited; everything after
     * it is discarded. The limit is raised once the other member proved itself ({@link #limit}).
     */
    static final class Decoder extends ByteToMessageDecoder {
        private int limit;
        private boolean failed;

        Decoder(int limit) {
            this.limit = limit;
        }

        /** Accepts frames up to {@code bytes} long (kind and body) from now on. */
        void limit(int bytes) {
            this.limit = bytes;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (failed) {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (in.readableBytes() < 4) {
                return;
            }
            long length = in.getUnsignedInt(in.readerIndex());
            if (length < 1 || length > limit) {
                failed = true;
                in.skipBytes(in.readableBytes());
                ctx.fireExceptionCaught(new CorruptedFrameException(length < 1 ? "a link frame without a kind"
                        : "a link frame of " + length + " bytes, over the limit of " + limit));
                return;
            }
            if (in.readableBytes() < 4 + length) {
                return;
            }
            in.skipBytes(4);
            byte kind = in.readByte();
            byte[] body = new byte[(int) length - 1];
            in.readBytes(body);
            out.add(new Frame(kind, body));
        }
    }
}
