package io.aldis.transport.tcp.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;
import io.aldis.protocol.api.spi.transport.Listener;
import io.aldis.protocol.api.spi.transport.ListenerRunner;
import io.aldis.protocol.api.spi.transport.tls.ServerTls;
import io.aldis.protocol.api.spin.SpinningSelectStrategy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Netty TCP listener: frames the byte stream with a 4-byte length prefix (optionally inside
 * TLS) and hands every connection to the node. Rebinding keeps the connections already open.
 */
public final class TcpServer implements ListenerRunner.Server<TcpSettings> {
    private static final System.Logger LOG = System.getLogger("io.aldis.transport.tcp");

    private final ConnectionAcceptor acceptor;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger open = new AtomicInteger();
    private volatile TcpSettings settings;
    private volatile SslContext sslContext;
    private volatile Channel serverChannel;

    public TcpServer(TcpSettings settings, ConnectionAcceptor acceptor) {
        this.settings = settings;
        this.acceptor = acceptor;
        this.bossGroup = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("aldis-tcp-" + settings.name() + "-accept", true), NioIoHandler.newFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(settings.ioThreads(),
                new DefaultThreadFactory("aldis-tcp-" + settings.name() + "-io", true), NioIoHandler.newFactory(
                        SelectorProvider.provider(),
                        SpinningSelectStrategy.factory(() -> TimeUnit.MICROSECONDS.toNanos(this.settings.spinMicros()))));
    }

    /** Binds the listener; fails if the address is taken or the TLS material cannot be read. */
    public synchronized void start() throws Exception {
        this.sslContext = settings.tls().enabled() ? ServerTls.sslContext(settings.tls()) : null;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        initConnection(channel);
                    }
                });
        serverChannel = bootstrap.bind(settings.host(), settings.port()).sync().channel();
        LOG.log(System.Logger.Level.INFO, () -> "Aldis TCP listener '" + settings.name() + "' on " + settings.host()
                + ":" + port() + (sslContext != null ? " (TLS)" : ""));
    }

    /** Applies new settings: new connections get them, and the socket is rebound if the address changed. */
    public synchronized void rebind(TcpSettings newSettings) throws Exception {
        TcpSettings old = this.settings;
        this.settings = newSettings;
        if (old.host().equals(newSettings.host()) && old.port() == newSettings.port()
                && old.tls().equals(newSettings.tls()) && serverChannel != null && serverChannel.isActive()) {
            return;
        }
        Channel previous = serverChannel;
        if (previous != null) {
            previous.close().syncUninterruptibly();
        }
        start();
    }

    /** Unbinds and closes every connection of this listener. */
    public synchronized void stop() {
        Channel channel = serverChannel;
        serverChannel = null;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private void initConnection(SocketChannel channel) {
        TcpSettings s = settings;
        SslContext ssl = sslContext;
        TcpConnection connection = new TcpConnection(channel, s.name(), ssl != null, s.maxFrameSize());
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("aldis-bytes", connection);
        if (ssl != null) {
            pipeline.addLast("aldis-tls", ssl.newHandler(channel.alloc()));
        }
        // Encoder first: the node puts its per-read handlers between the two (see Node.accept).
        pipeline.addLast("aldis-encoder", LengthPrefixedFrameEncoder.INSTANCE);
        // Until the node authenticates the session, frames are held to the handshake limit (section 2.3).
        pipeline.addLast("aldis-decoder", new LengthPrefixedFrameDecoder(s.maxFrameSize(), FrameSizeLimit.HANDSHAKE));
        if (open.incrementAndGet() > s.maxConnections()) {
            open.decrementAndGet();
            channel.writeAndFlush(ErrorFrame.of(0, ErrorCode.TOO_MANY_CONNECTIONS,
                    "listener " + s.name() + " is at its limit of " + s.maxConnections() + " connections"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        connections.add(channel);
        acceptor.accept(connection);
    }

    // ---------------------------------------------------------------- Listener

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String transport() {
        return "tcp";
    }

    @Override
    public String host() {
        return settings.host();
    }

    @Override
    public int port() {
        Channel channel = serverChannel;
        if (channel != null && channel.localAddress() instanceof InetSocketAddress address) {
            return address.getPort();
        }
        return settings.port();
    }

    @Override
    public boolean secure() {
        return sslContext != null;
    }

    @Override
    public int connections() {
        return open.get();
    }

    @Override
    public int maxConnections() {
        return settings.maxConnections();
    }
}
