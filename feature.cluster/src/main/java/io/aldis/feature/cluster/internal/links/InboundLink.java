package io.aldis.feature.cluster.internal.links;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The accepting end of a link: challenges the connecting member, and once it proved it knows the
 * secret, hands each of its messages to {@link PeerLinks}'s receivers. A member that does not prove
 * it within {@link #HANDSHAKE_SECONDS}, sends a frame out of turn, or breaks the frame limit is cut off.
 */
final class InboundLink extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger("io.aldis.cluster");
    static final int HANDSHAKE_SECONDS = 10;

    private final PeerLinks links;
    private final LinkHandshake handshake;
    private final byte[] nonce = LinkHandshake.nonce();
    private ScheduledFuture<?> deadline;
    /** The member at the other end, once it proved itself; read and written on the channel's loop only. */
    private String peer;
    /** Whether this connection holds one of the handshake places, until it proves itself or closes. */
    private boolean handshaking;
    /** Whether this connection's refusal was counted. */
    private boolean refused;

    InboundLink(PeerLinks links, LinkHandshake handshake) {
        this.links = links;
        this.handshake = handshake;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!links.handshakeStarted()) {
            // Too many connections that have not proven themselves: this one waits for none of them.
            refuse(ctx, "too many links are in their handshake");
            return;
        }
        handshaking = true;
        ByteBuf out = ctx.alloc().buffer(LinkFrames.HEADER + LinkHandshake.CHALLENGE_LENGTH);
        LinkFrames.write(out, LinkFrames.CHALLENGE, LinkHandshake.challenge(nonce));
        ctx.writeAndFlush(out);
        deadline = ctx.executor().schedule(() -> {
            if (peer == null) {
                refuse(ctx, "it did not complete the handshake within " + HANDSHAKE_SECONDS + " s"
                        + (links.tls() ? " (TLS included: a member without TLS settings sends nothing, waiting for a challenge)" : ""));
            }
        }, HANDSHAKE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        LinkFrames.Frame frame = (LinkFrames.Frame) msg;
        if (peer == null) {
            if (frame.kind() != LinkFrames.HELLO) {
                refuse(ctx, "it sent frame kind " + frame.kind() + " before its hello");
                return;
            }
            LinkHandshake.Hello hello;
            try {
                hello = handshake.readHello(nonce, frame.body());
            } catch (IllegalArgumentException e) {
                refuse(ctx, e.getMessage());
                return;
            }
            if (links.addressOf(hello.memberId()) == null) {
                // Proven, but not a member now (it left, or the cluster has not told this node of it
                // yet): refused, so nothing it sends runs after its calls were ended; it tries again.
                refuse(ctx, "member " + hello.memberId() + " is not in this node's view of the cluster");
                return;
            }
            peer = hello.memberId();
            deadline.cancel(false);
            links.handshakeDone();
            ByteBuf out = ctx.alloc().buffer(LinkFrames.HEADER + LinkHandshake.MAC);
            LinkFrames.write(out, LinkFrames.WELCOME, handshake.welcome(nonce, hello.clientNonce(), links.selfId()));
            ctx.writeAndFlush(out);
            ctx.pipeline().get(LinkFrames.Decoder.class).limit(PeerLinks.MAX_FRAME);
            links.accepted(peer, ctx.channel());
            return;
        }
        switch (frame.kind()) {
            case LinkFrames.MESSAGE -> links.messageFrom(peer, frame.body());
            case LinkFrames.RPC -> links.rpcFrom(peer, frame.body());
            case LinkFrames.PING -> {
                ByteBuf pong = ctx.alloc().buffer(LinkFrames.HEADER);
                LinkFrames.write(pong, LinkFrames.PONG, new byte[0]);
                ctx.writeAndFlush(pong);
            }
            default -> {
                LOG.log(System.Logger.Level.WARNING, "Closed the link from member {0}: unknown frame kind {1}", peer,
                        frame.kind());
                ctx.close();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (peer != null) {
            links.closed(peer, ctx.channel());
        } else if (handshaking) {
            links.handshakeDone();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            refuse(ctx, LinkTlsFailure.describe(tls.cause()));
            return;
        }
        if (evt instanceof IdleStateEvent && peer != null) {
            LOG.log(System.Logger.Level.WARNING, "Closed the link from member {0}: nothing came from it in {1} s", peer,
                    LinkFrames.SILENCE_SECONDS);
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String why = LinkTlsFailure.describe(cause);
        if (peer == null) {
            refuse(ctx, why);
        } else {
            LOG.log(System.Logger.Level.WARNING, "Closed the link from member {0}: {1}", peer, why);
            ctx.close();
        }
    }

    private void refuse(ChannelHandlerContext ctx, String why) {
        if (!refused) {
            // Once per connection: a failed TLS handshake is told as an event and then as an exception.
            refused = true;
            links.refused(ctx.channel().remoteAddress(), why);
        }
        ctx.close();
    }
}
