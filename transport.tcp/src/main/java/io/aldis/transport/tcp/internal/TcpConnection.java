package io.aldis.transport.tcp.internal;

import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * A TCP connection as the node sees it. Its byte counters sit at the head of the pipeline, so
 * they count what crosses the socket (TLS records included).
 */
final class TcpConnection extends ChannelDuplexHandler implements TransportConnection {
    private final Channel channel;
    private final String listener;
    private final boolean secure;
    private final int maxFrameSize;
    private volatile long bytesRead;
    private volatile long bytesWritten;

    TcpConnection(Channel channel, String listener, boolean secure, int maxFrameSize) {
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
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesWritten += buf.readableBytes();
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public String transport() {
        return "tcp";
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
