package io.aldis.itest.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between a client and a node that a test can cut: every connection through
 * it is dropped at once, in both directions, as a network that fails would drop it (bytes in flight
 * are lost, neither side gets a close frame). New connections go through again afterwards.
 */
public final class CuttingProxy implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private static final String INBOUND = "inbound";

    private final InetSocketAddress target;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    /** Node sides left open by {@link #strand}, closed with the proxy. */
    private final Set<Channel> stranded = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Channel server;

    /** Starts a proxy on an ephemeral loopback port in front of {@code targetPort} on loopback. */
    public CuttingProxy(int targetPort) throws InterruptedException {
        this.target = new InetSocketAddress("127.0.0.1", targetPort);
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        accepted.incrementAndGet();
                        open.add(client);
                        client.closeFuture().addListener(f -> open.remove(client));
                        client.pipeline().addLast(INBOUND, new Inbound());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    /** The port clients connect to. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** How many client connections the proxy has accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /**
     * Drops every connection through the proxy now: a reset, so that what either side wrote and
     * the other has not read is lost.
     */
    public void cut() {
        for (Channel channel : Set.copyOf(open)) {
            reset(channel);
        }
    }

    /**
     * Drops the clients' side of every connection but leaves the node's side open and silent, as a
     * link that died without either end hearing of it: the node learns of it only from its own
     * heartbeat, or from the client coming back on a new connection.
     */
    public void strand() {
        for (Channel channel : Set.copyOf(open)) {
            if (channel.pipeline().get(INBOUND) instanceof Inbound inbound) {
                Channel node = inbound.node;
                if (node != null) {
                    open.remove(node);
                    stranded.add(node);
                    inbound.node = null;
                }
                reset(channel);
            }
        }
    }

    private static void reset(Channel channel) {
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (ChannelException e) {
            // It closed since the proxy listed it (its peer's side went first): nothing left to reset.
        }
        channel.close();
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        cut();
        stranded.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** A client's side: connects to the node, then relays both ways. */
    private final class Inbound extends ChannelInboundHandlerAdapter {
        private volatile Channel node;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Relay(client))
                    .connect(target).addListener((ChannelFutureListener) connected -> {
                        if (!connected.isSuccess()) {
                            client.close();
                            return;
                        }
                        Channel toNode = connected.channel();
                        node = toNode;
                        open.add(toNode);
                        toNode.closeFuture().addListener(f -> {
                            open.remove(toNode);
                            client.close();
                        });
                        client.read();
                        toNode.read();
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel toNode = node;
            if (toNode == null) {
                ReferenceCountUtil.release(msg);
                return;
            }
            relay(msg, ctx.channel(), toNode);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channel toNode = node;
            if (toNode != null) {
                toNode.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The node's side of one connection: relays to the client, or drops what comes once stranded. */
    private final class Relay extends ChannelInboundHandlerAdapter {
        private final Channel client;

        Relay(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (stranded.contains(ctx.channel())) {
                ReferenceCountUtil.release(msg);
                return;
            }
            relay(msg, ctx.channel(), client);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes what {@code from} read to {@code to}, and reads on from {@code from} once it is written. */
    private static void relay(Object msg, Channel from, Channel to) {
        to.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                from.read();
            } else {
                from.close();
            }
        });
    }
}
