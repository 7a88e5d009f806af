package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * A WebSocket connection as the node sees it. Its byte counters sit at the head of the
 * pipeline, so they count what crosses the socket: the HTTP handshake, WebSocket framing and
 * TLS records included.
 */
final class WsConnection extends ChannelDuplexHandler implements TransportConnection {
    private final Channel channel;
    private final String listener;
    private final boolean secure;
    private final int maxFrameSize;
    private volatile long bytesRead;
    private volatile long bytesWritten;
    private final long acceptedAtNanos = System.nanoTime();
    private boolean reading;
    private boolean handedOver;

    WsConnection(Channel channel, String listener, boolean secure, int maxFrameSize) {
        this.channel = channel;
        this.listener = listener;
        this.secure = secure;
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesRead += buf.readableBytes(); // only the event loop writes these counters
        }
        reading = true;
        try {
            super.channelRead(ctx, msg);
        } finally {
            reading = false;
        }
    }

    /**
     * Whether the event loop is inside the processing of bytes just read, which is when Netty's
     * WebSocket decoder reacts to a protocol violation. Only meaningful on the event loop.
     */
    boolean reading() {
        return reading;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesWritten += buf.readableBytes();
        }
        super.write(ctx, msg, promise);
    }

    /** The upgrade is done and the connection belongs to its endpoint; on the event loop only. */
    void markHandedOver() {
        handedOver = true;
    }

    /** Whether the upgrade handed the connection over; on the event loop only. */
    boolean handedOver() {
        return handedOver;
    }

    @Override
    public long acceptedAtNanos() {
        return acceptedAtNanos;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public String transport() {
        return "ws";
    }

    @Override
    public String listener() {
        return listener;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public int maxFrameSize() {
        return maxFrameSize;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public long bytesWritten() {
        return bytesWritten;
    }
}
