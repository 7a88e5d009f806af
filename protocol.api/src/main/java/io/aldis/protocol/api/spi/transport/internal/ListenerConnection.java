package io.aldis.protocol.api.spi.transport.internal;

import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.Future;

/**
 * A connection accepted by a {@link NettyListener}, as the node sees it. It is also the handler at
 * the head of the connection's pipeline, so its byte counters count what crosses the socket (TLS
 * records and any framing of the transport included).
 *
 * <p>A connection is <em>handed over</em> once the node has it; a transport with a phase of its
 * own before that (a WebSocket's HTTP upgrade) hands it over later than the accept, and the
 * listener closes it if that does not happen within the node's auth timeout.
 */
public class ListenerConnection extends ChannelDuplexHandler implements TransportConnection {
    private final Channel channel;
    private final String transport;
    private final String listener;
    private final boolean secure;
    private final int maxFrameSize;
    private final long acceptedAtNanos = System.nanoTime();
    private volatile long bytesRead;
    private volatile long bytesWritten;
    private boolean handedOver;
    /** The listener's deadline for the hand-over, cancelled by it: from then on the node's auth timeout counts. */
    private Future<?> handOverExpiry;

    public ListenerConnection(Channel channel, String transport, String listener, boolean secure, int maxFrameSize) {
        this.channel = channel;
        this.transport = transport;
        this.listener = listener;
        this.secure = secure;
        this.maxFrameSize = maxFrameSize;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesRead += buf.readableBytes(); // only the event loop writes these counters
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof ByteBuf buf) {
            bytesWritten += buf.readableBytes();
        }
        ctx.write(msg, promise);
    }

    /** Notes that the node has the connection now; on the event loop only. */
    public void markHandedOver() {
        handedOver = true;
        if (handOverExpiry != null) {
            handOverExpiry.cancel(false);
            handOverExpiry = null;
        }
    }

    /** The listener's deadline for the hand-over; on the event loop only. */
    void expireUnlessHandedOver(Future<?> expiry) {
        handOverExpiry = expiry;
    }

    /** Whether the connection was handed over to the node; on the event loop only. */
    public boolean handedOver() {
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
        return transport;
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
