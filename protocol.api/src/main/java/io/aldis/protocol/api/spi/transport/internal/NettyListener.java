package io.aldis.protocol.api.spi.transport.internal;

import io.aldis.protocol.api.spi.transport.ListenerRunner;
import io.aldis.protocol.api.spi.transport.tls.ServerTls;
import io.aldis.protocol.api.spin.NettyIo;
import io.aldis.protocol.api.spin.SpinningSelectStrategy;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What every transport's listener does the same way: it binds a server socket, rebinds it when
 * the address or TLS changes (keeping the connections already open), stops, counts connections
 * against the limit, puts the byte counters and TLS at the head of each connection's pipeline,
 * and closes a connection that is not handed over to the node within the node's auth timeout.
 * A transport adds only what differs: its framing, how it refuses a connection over the limit,
 * and how it hands a connection over.
 *
 * <p>Pipeline of a connection, head first: {@value #BYTES} (the {@link ListenerConnection}),
 * {@value #TLS} when TLS is on, then the transport's handlers.
 *
 * @param <S> the transport's settings
 * @param <C> the transport's connection
 */
public abstract class NettyListener<S extends TransportSettings, C extends ListenerConnection>
        implements ListenerRunner.Server<S> {
    /** The name of the connection's byte counters in its pipeline, always the first handler. */
    public static final String BYTES = "aldis-bytes";
    /** The name of the TLS handler in the pipeline, right after the byte counters. */
    public static final String TLS = "aldis-tls";
    /**
     * The name of the handler, after the byte counters and TLS, that moves the connection to the
     * pooled allocator once its session is authenticated (and then removes itself).
     */
    public static final String ALLOCATOR = "aldis-allocator";

    private final String transport;
    private final String label;
    private final System.Logger log;
    private final LongSupplier handOverDeadlineMillis;
    /** Netty's I/O transport for this listener's sockets, chosen once when it is made. */
    private final NettyIo io = NettyIo.fromSystemProperty();
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ConnectionSlots slots = new ConnectionSlots();
    private volatile S settings;
    private volatile SslContext sslContext;
    private volatile Channel serverChannel;
    private volatile boolean stopping;

    /**
     * @param transport              the transport's name in {@link #transport()} and thread names, such as {@code tcp}
     * @param label                  the transport's name in log lines, such as {@code TCP}
     * @param handOverDeadlineMillis how long after the accept a connection must be handed over to
     *                               the node (the node's auth timeout); 0 for no limit
     */
    protected NettyListener(String transport, String label, System.Logger log, S settings,
            LongSupplier handOverDeadlineMillis) {
        this.transport = transport;
        this.label = label;
        this.log = log;
        this.settings = settings;
        this.handOverDeadlineMillis = handOverDeadlineMillis;
        String threads = "aldis-" + transport + "-" + settings.name();
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(threads + "-accept", true),
                io.handlerFactory());
        // The cap is read again at each idle spell, so a rebind with another spinMicros reaches running threads.
        this.workerGroup = new MultiThreadIoEventLoopGroup(settings.ioThreads(),
                new DefaultThreadFactory(threads + "-io", true), io.handlerFactory(SpinningSelectStrategy.factory(
                        () -> TimeUnit.MICROSECONDS.toNanos(this.settings.spinMicros()))));
    }

    /** The connection object of a newly accepted channel, before anything is in its pipeline. */
    protected abstract C newConnection(Channel channel, S settings, boolean secure);

    /** Adds the transport's handlers behind the byte counters and TLS. */
    protected abstract void addHandlers(ChannelPipeline pipeline, C connection, S settings);

    /**
     * Refuses a connection the listener has no room for, in the transport's own way, and closes it.
     *
     * @param reason one line for the peer, naming the listener and its limit
     */
    protected abstract void refuse(C connection, S settings, String reason);

    /**
     * Goes on with an accepted connection that holds a slot: hands it to the node at once
     * ({@link ListenerConnection#markHandedOver()} first) or starts the phase that will.
     */
    protected abstract void open(C connection, S settings);

    /** Where the listener listens, for its log line; called once it is bound. */
    protected String describe(S s, boolean secure) {
        return s.host() + ":" + port() + (secure ? " (TLS)" : "");
    }

    /** Binds the listener; fails if the address is taken or the TLS material cannot be read. */
    @Override
    public synchronized void start() throws Exception {
        S s = settings;
        SslContext ssl = s.tls().enabled() ? ServerTls.sslContext(s.tls()) : null;
        this.sslContext = ssl;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(io.serverChannel())
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
        serverChannel = bootstrap.bind(s.host(), s.port()).sync().channel();
        log.log(System.Logger.Level.INFO, () -> "Aldis " + label + " listener '" + s.name() + "' on "
                + describe(s, ssl != null) + ", " + io.label() + " I/O");
    }

    /**
     * Applies new settings: new connections get them, and the socket is bound again if the
     * address or TLS changed (or it is not bound). Open connections stay as they are.
     */
    @Override
    public synchronized void rebind(S newSettings) throws Exception {
        S old = settings;
        settings = newSettings;
        Channel previous = serverChannel;
        if (old.listener().sameSocket(newSettings.listener()) && previous != null && previous.isActive()) {
            return;
        }
        if (previous != null) {
            previous.close().syncUninterruptibly();
        }
        start();
    }

    /** Unbinds and closes every connection of this listener. */
    @Override
    public synchronized void stop() {
        stopping = true;
        Channel channel = serverChannel;
        serverChannel = null;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        slots.closeAll(5, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The settings new connections get. */
    public S settings() {
        return settings;
    }

    /** Whether {@link #stop()} has begun: connections closing now close because the listener stops. */
    protected boolean stopping() {
        return stopping;
    }

    private void initConnection(SocketChannel channel) {
        S s = settings;
        SslContext ssl = sslContext;
        C connection = newConnection(channel, s, ssl != null);
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(BYTES, connection);
        if (ssl != null) {
            pipeline.addLast(TLS, ssl.newHandler(channel.alloc()));
        }
        pipeline.addLast(ALLOCATOR, new PooledOnceAuthenticated());
        addHandlers(pipeline, connection, s);
        if (!slots.take(channel, s.maxConnections())) {
            refuse(connection, s, "listener " + s.name() + " is at its limit of " + s.maxConnections()
                    + " connections");
            return;
        }
        open(connection, s);
        if (!connection.handedOver()) {
            expireUnlessHandedOver(connection);
        }
    }

    /**
     * The node's auth timeout counts from the accept; until a connection is handed over, only the
     * listener can end a client that never finishes the transport's own phase.
     */
    private void expireUnlessHandedOver(C connection) {
        long deadline = handOverDeadlineMillis.getAsLong();
        if (deadline <= 0) {
            return;
        }
        Channel channel = connection.channel();
        ScheduledFuture<?> expiry = channel.eventLoop().schedule(() -> {
            if (!connection.handedOver()) {
                channel.close();
            }
        }, deadline, TimeUnit.MILLISECONDS);
        connection.expireUnlessHandedOver(expiry);
        channel.closeFuture().addListener(f -> expiry.cancel(false));
    }

    // ---------------------------------------------------------------- Listener

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String transport() {
        return transport;
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
        return slots.open();
    }

    @Override
    public int maxConnections() {
        return settings.maxConnections();
    }
}
