package io.aldis.protocol.api.spi.transport.internal;

import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Keeps a connection's buffers out of the shared pool until its session is authenticated.
 *
 * <p>A pooled allocator keeps the memory it once handed out, so a burst of unauthenticated
 * connections, each holding part of a frame, would leave the pool as large as the burst after they
 * are gone. Until the node raises the frame limit after authentication (a {@link FrameSizeLimit}
 * event), this connection's reads, partial frames and HTTP upgrade come from an unpooled allocator,
 * whose memory is freed when a buffer is released; from then on it uses the pool, as the traffic
 * that matters for speed is all authenticated.
 */
public final class PooledOnceAuthenticated extends ChannelInboundHandlerAdapter {
    /** The allocator of connections whose session is not yet authenticated. */
    public static final ByteBufAllocator BEFORE_AUTHENTICATION = UnpooledByteBufAllocator.DEFAULT;

    /** The channel's own allocator, given back once the session is authenticated. */
    private ByteBufAllocator pooled;

    /** Moves the channel to the unpooled allocator for as long as this handler is in its pipeline. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        pooled = ctx.channel().config().getAllocator();
        ctx.channel().config().setAllocator(BEFORE_AUTHENTICATION);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof FrameSizeLimit) {
            ctx.channel().config().setAllocator(pooled);
            ctx.pipeline().remove(this);
        }
        super.userEventTriggered(ctx, evt);
    }
}
