package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;
import io.aldis.protocol.api.spi.transport.Listener;
import io.aldis.protocol.api.spi.transport.ListenerRunner;
import io.aldis.protocol.api.spi.transport.tls.ServerTls;
import io.aldis.protocol.api.spin.SpinningSelectStrategy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Netty WebSocket listener: an HTTP server that upgrades GET requests on its path to WebSocket
 * (optionally inside TLS, that is wss) and hands each upgraded connection to its endpoint, which
 * for a node listener means one protocol frame per binary message. Rebinding keeps the
 * connections already open.
 *
 * <p>Pipeline of a connection, head first: byte counters, client timeout, TLS, HTTP codec, HTTP
 * aggregator (upgrade requests only, 8 KiB), {@link UpgradeGate} (path, Origin, subprotocol),
 * Netty's WebSocket protocol handler (handshake, control frames, close handshake, UTF-8 checks,
 * frames up to the maximum size), the message aggregator (fragments joined up to the maximum
 * size), {@link WsLifecycle}; then the endpoint's handlers. After the handshake,
 * {@link MessageSizeGuard} sits in front of Netty's frame decoder and refuses a message over the
 * connection's current limit from its frame header (for a node listener: 64 KiB until the
 * session is authenticated).
 */
public final class WsServer implements ListenerRunner.Server<WsSettings> {
    private static final System.Logger LOG = System.getLogger("io.aldis.transport.ws");
    /** Largest HTTP request (an upgrade request has no body). */
    static final int MAX_HTTP_REQUEST = 8192;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    private final WsEndpoint endpoint;
    private final PlainHttp plainHttp;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger open = new AtomicInteger();
    private volatile WsSettings settings;
    /** The demo page for the current path, or null when the settings turn it off. */
    private volatile DemoPage demoPage;
    private volatile SslContext sslContext;
    private volatile Channel serverChannel;
    private volatile boolean stopping;
    private final LongSupplier upgradeDeadlineMillis;

    /**
     * A listener that hands every upgraded connection to the node, and answers plain GETs with
     * the demo page when {@link WsSettings#demo()} is on.
     */
    public WsServer(WsSettings settings, ConnectionAcceptor acceptor) {
        this(settings, new NodeEndpoint(acceptor), PlainHttp.NONE, acceptor::authTimeoutMillis);
    }

    WsServer(WsSettings settings, WsEndpoint endpoint, PlainHttp plainHttp) {
        this(settings, endpoint, plainHttp, () -> 0);
    }

    /**
     * @param upgradeDeadlineMillis how long a connection may take to finish its HTTP upgrade
     *                              (the node's auth timeout, which counts from the accept); 0 = no limit
     */
    WsServer(WsSettings settings, WsEndpoint endpoint, PlainHttp plainHttp, LongSupplier upgradeDeadlineMillis) {
        this.upgradeDeadlineMillis = upgradeDeadlineMillis;
        this.settings = settings;
        this.endpoint = endpoint;
        this.plainHttp = plainHttp;
        this.demoPage = demoPage(settings);
        this.bossGroup = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("aldis-ws-" + settings.name() + "-accept", true), NioIoHandler.newFactory());
        this.workerGroup = new MultiThreadIoEventLoopGroup(settings.ioThreads(),
                new DefaultThreadFactory("aldis-ws-" + settings.name() + "-io", true), NioIoHandler.newFactory(
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
        LOG.log(System.Logger.Level.INFO, () -> "Aldis WebSocket listener '" + settings.name() + "' on "
                + (sslContext != null ? "wss://" : "ws://") + settings.host() + ":" + port() + settings.path()
                + (demoPage != null ? ", demo page at " + (sslContext != null ? "https://" : "http://")
                        + settings.host() + ":" + port() + "/" : ""));
    }

    /** Applies new settings: new connections get them, and the socket is rebound if the address or TLS changed. */
    public synchronized void rebind(WsSettings newSettings) throws Exception {
        WsSettings old = this.settings;
        this.demoPage = demoPage(newSettings);
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

    /** Unbinds and closes every connection of this listener (upgraded ones with close status 1001). */
    public synchronized void stop() {
        stopping = true;
        Channel channel = serverChannel;
        serverChannel = null;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The current settings. */
    public WsSettings settings() {
        return settings;
    }

    private static DemoPage demoPage(WsSettings s) {
        if (!s.demo()) {
            return null;
        }
        DemoPage page = new DemoPage(s.path());
        if (!page.available()) {
            LOG.log(System.Logger.Level.WARNING, () -> "Listener '" + s.name() + "': the demo page is on but not packaged");
            return null;
        }
        return page;
    }

    private void initConnection(SocketChannel channel) {
        WsSettings s = settings;
        SslContext ssl = sslContext;
        DemoPage demo = demoPage;
        PlainHttp http = demo != null ? demo : plainHttp;
        WsConnection connection = new WsConnection(channel, s.name(), ssl != null, s.maxFrameSize());
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("aldis-bytes", connection);
        if (s.clientTimeoutMillis() > 0) {
            pipeline.addLast("aldis-ws-timeout", new IdleStateHandler(s.clientTimeoutMillis(), 0, 0,
                    TimeUnit.MILLISECONDS));
        }
        if (ssl != null) {
            pipeline.addLast("aldis-tls", ssl.newHandler(channel.alloc()));
        }
        pipeline.addLast("aldis-http", new HttpServerCodec());
        pipeline.addLast("aldis-http-aggregator", new HttpObjectAggregator(MAX_HTTP_REQUEST));
        if (open.incrementAndGet() > s.maxConnections()) {
            open.decrementAndGet();
            pipeline.addLast("aldis-ws-gate", new UpgradeGate(s, ssl != null, http,
                    "listener " + s.name() + " is at its limit of " + s.maxConnections() + " connections"));
            return;
        }
        channel.closeFuture().addListener(f -> open.decrementAndGet());
        connections.add(channel);
        pipeline.addLast("aldis-ws-gate", new UpgradeGate(s, ssl != null, http, null));
        pipeline.addLast("aldis-ws", new WebSocketServerProtocolHandler(protocolConfig(s)));
        pipeline.addLast("aldis-ws-aggregator", new WebSocketFrameAggregator(s.maxFrameSize()));
        pipeline.addLast("aldis-ws-lifecycle", new WsLifecycle(connection, endpoint, s.pingIntervalMillis(),
                s.clientTimeoutMillis(), () -> stopping, endpoint.firstMessageLimit(s.maxFrameSize())));
        long deadline = upgradeDeadlineMillis.getAsLong();
        if (deadline > 0) {
            // The node's auth timeout counts from here; until the upgrade hands the connection to
            // the node, only this listener can end a client that never finishes its HTTP request.
            ScheduledFuture<?> expiry = channel.eventLoop().schedule(() -> {
                if (!connection.handedOver()) {
                    channel.close();
                }
            }, deadline, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(f -> expiry.cancel(false));
        }
    }

    /**
     * Netty's WebSocket settings. {@code sendCloseFrame(null)}: Netty's own close-on-close would
     * answer 1000 after its decoder already sent 1002 or 1007 for a protocol violation;
     * {@link WsLifecycle} sends the close frame for every other close instead.
     */
    static WebSocketServerProtocolConfig protocolConfig(WsSettings s) {
        return WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(s.path())
                .subprotocols(s.subprotocol().isEmpty() ? null : s.subprotocol())
                .checkStartsWith(true) // the gate has matched the exact path, query strings allowed
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .handleCloseFrames(true)
                .sendCloseFrame(null)
                .dropPongFrames(true)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(s.maxFrameSize())
                        .expectMaskedFrames(true)
                        .allowMaskMismatch(false)
                        .allowExtensions(false)
                        .closeOnProtocolViolation(true)
                        .withUTF8Validator(true)
                        .build())
                .build();
    }

    // ---------------------------------------------------------------- Listener

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String transport() {
        return "ws";
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
