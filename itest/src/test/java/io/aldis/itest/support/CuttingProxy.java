package io.aldis.itest.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between a client and a node, for tests that break connections: every
 * connection accepted is forwarded byte for byte to the target, and {@link #cutAll()} breaks all
 * of them at once, both sides, as a failed network would (no CLOSE, no half-close). New
 * connections are forwarded again right after a cut, so a client that reconnects gets through.
 *
 * <p>It reads from one side only as fast as the other side takes the bytes, so a slow reader
 * behind it slows the writer as it would without the proxy.
 */
public final class CuttingProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("cutting-proxy", true), NioIoHandler.newFactory());
    /** Both ends of every forwarded connection. */
    private final ChannelGroup ends = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    /** The clients' ends alone: one per forwarded connection. */
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private Channel server;

    private CuttingProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** A proxy on an ephemeral loopback port that forwards to {@code targetPort} on 127.0.0.1. */
    public static CuttingProxy to(int targetPort) throws InterruptedException {
        CuttingProxy proxy = new CuttingProxy("127.0.0.1", targetPort);
        proxy.start();
        return proxy;
    }

    private void start() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                // Nothing is read from the client until the node's side is connected.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        accepted.incrementAndGet();
                        ends.add(client);
                        clients.add(client);
                        connectTarget(client);
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    private void connectTarget(Channel client) {
        ChannelFuture connecting = new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel target) {
                        ends.add(target);
                    }
                })
                .connect(targetHost, targetPort);
        connecting.addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                client.close();
                return;
            }
            Channel target = f.channel();
            client.pipeline().addLast(new Forward(target));
            target.pipeline().addLast(new Forward(client));
            client.read();
            target.read();
        });
    }

    /** The port clients connect to. */
    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** How many client connections the proxy has accepted in all. */
    public int accepted() {
        return accepted.get();
    }

    /** How many forwarded connections are open now (a closed channel leaves its group by itself). */
    public int openConnections() {
        return clients.size();
    }

    /** How many times {@link #cutAll()} cut at least one connection. */
    public int cuts() {
        return cuts.get();
    }

    /**
     * Breaks every forwarded connection at once: both ends are reset (TCP RST, so bytes still on
     * their way are lost, as in a failed network), and this returns once they are closed.
     *
     * @return how many forwarded connections were cut
     */
    public int cutAll() throws InterruptedException {
        int cutting = clients.size();
        if (cutting > 0) {
            cuts.incrementAndGet();
        }
        for (Channel end : ends) {
            end.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        ends.close().sync();
        return cutting;
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.close().sync();
        }
        ends.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    /** Passes what one end reads to the other, reading again once the other has taken it. */
    private static final class Forward extends ChannelInboundHandlerAdapter {
        private final Channel to;

        Forward(Channel to) {
            this.to = to;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf) || !to.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            to.writeAndFlush(msg).addListener((ChannelFutureListener) written -> {
                if (written.isSuccess()) {
                    ctx.channel().read();
                } else {
                    ctx.channel().close();
                }
            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // One end closed on its own: the other closes once what it was still sent is written.
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.channel().close();
        }
    }
}
