package io.aldis.client.internal;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.Delivery;
import io.aldis.client.Message;
import io.aldis.client.MessageHandler;
import io.aldis.client.Registration;
import io.aldis.client.RpcHandler;
import io.aldis.client.SubscribeOptions;
import io.aldis.client.Subscription;
import io.aldis.client.AldisException;
import io.aldis.client.ClientState;
import io.aldis.client.ClientStats;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.SessionInfo;
import io.aldis.client.FilePage;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.internal.files.FileHost;
import io.aldis.client.internal.files.FileTransfers;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.codec.Flushes;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.aldis.protocol.api.scram.SaltedPasswordCache;
import io.aldis.protocol.api.spin.NettyIo;
import io.aldis.protocol.api.spin.SpinningSelectStrategy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.reflect.Type;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

/**
 * The client: owns the state machine across connections (connect, reconnect with backoff,
 * close) while each connection's protocol lives in a {@link ClientHandler}. State changes happen
 * under {@code lock}; listener callbacks are queued to a serial executor, never run under the lock,
 * and on the event loop only while they are prompt ({@link CallbackPlacement}).
 */
public final class DefaultAldisClient implements AldisClient {
    private static final System.Logger LOG = System.getLogger(DefaultAldisClient.class.getName());
    private static final String DECODER = "aldis-decoder";
    private static final String ENCODER = "aldis-encoder";
    private static final String HANDLER = "aldis-client";
    private static final String FLUSH = "aldis-flush";
    /**
     * The most one read of the connection takes (Netty's default is 64 KiB). A 64 KiB stream item
     * or larger is a frame longer than 64 KiB, so with the default every such frame spanned two
     * reads and was gathered by a copy before its item was copied out; reads that grow to this size
     * when the data is there take most frames whole (docs/benchmarks.md, "Streams").
     */
    private static final int MAX_READ_BYTES = 256 * 1024;

    /** The clients of this JVM that own their event loop poll with these permits, a few at a time. */
    private static final Semaphore POLLERS = SpinningSelectStrategy.pollers();

    private final ClientConfig config;
    /** Netty's I/O transport: NIO in a group the user gave (documented so), else as the system property says. */
    private final NettyIo io;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final SslContext sslContext;
    private final SerialExecutor callbacks;
    private final java.util.function.BooleanSupplier hopelessWait = this::waitNeverEnds;
    private final List<ConnectionListener> listeners;
    private final List<Consumer<Frame>> frameHandlers = new CopyOnWriteArrayList<>();
    /** The client's own consumers (RPC, pub/sub), asked before {@link #frameHandlers}; true = consumed. */
    private final List<Predicate<Frame>> consumers = new CopyOnWriteArrayList<>();
    /** Told after each batch of frames was dispatched, on the callback thread. */
    private final List<Runnable> afterFrames = new CopyOnWriteArrayList<>();
    /** The client's own listeners, told before the application's. */
    private final List<ConnectionListener> internalListeners = new CopyOnWriteArrayList<>();
    private final PubSubSupport pubsub;
    private final Object rpcLock = new Object();
    private volatile RpcSupport rpc;
    private final Object filesLock = new Object();
    private volatile FileTransfers files;
    private final StatsCounters stats = new StatsCounters();
    private final RequestTracker requests = new RequestTracker();
    private final AtomicLong requestIds = new AtomicLong();
    private final Object lock = new Object();

    // guarded by lock
    /** Written under {@link #lock}; volatile so that {@link #state()}, asked on every publish, takes no lock. */
    private volatile ClientState state = ClientState.NEW;
    private CompletableFuture<AldisClient> connectFuture;
    private CompletableFuture<Void> closeFuture;
    private ClientHandler attempt;
    private long generation;
    private int attemptNumber;
    /** Why the open connection was lost, told with every reconnect attempt until one opens; guarded by lock. */
    private DisconnectReason lostBecause;
    private boolean initial = true;
    /** The address the next attempt dials, an index into the configured ones; guarded by lock. */
    private int addressAt;
    /** Addresses the first connection has tried so far, to try each once before giving up; guarded by lock. */
    private int initialTries;
    /**
     * Other known addresses still to be tried at once after a loss, before the client waits its
     * first reconnect delay; guarded by lock.
     */
    private int failoverTriesLeft;
    /** The address the attempt under way dialled, and the one the open connection did; guarded by lock. */
    private ClientConfig.Address attemptAddress;
    private ClientConfig.Address connectedTo;
    /** When the last round of tries at once began, in {@link System#nanoTime()}, if there was one; guarded by lock. */
    private long lastRoundAtNanos;
    private boolean hadRound;
    private ScheduledFuture<?> reconnectTask;
    private char[] password;
    /** The SCRAM SaltedPassword of the last login, so that a reconnect skips PBKDF2; wiped with the password. */
    private final SaltedPasswordCache saltedPasswords = new SaltedPasswordCache();

    private volatile ClientHandler current;
    private volatile SessionInfo session;
    private volatile String resumeToken;
    private volatile String sessionUser;
    /** Whether this client counts in {@link SharedTimer}; changed under {@code lock}. */
    private volatile boolean holdsTimer;

    /** Opens the transport of one connection attempt, with {@code handler} at the end of its pipeline. */
    @FunctionalInterface
    interface Connector {
        /** Starts connecting to {@code address}; the future fails when the transport cannot be opened. */
        ChannelFuture connect(ClientHandler handler, ClientConfig.Address address);
    }

    private final Connector connector;
    private final KnownAddresses known;

    public DefaultAldisClient(ClientConfig config) {
        this(config, null);
    }

    /** A client whose connections {@code connector} opens (null: TCP to the configured address). */
    DefaultAldisClient(ClientConfig config, Connector connector) {
        this.config = config;
        this.known = new KnownAddresses(config.addresses(), config.tls());
        this.connector = connector != null ? connector : this::dial;
        this.listeners = config.listeners();
        this.password = config.password();
        this.io = config.eventLoopGroup() != null ? NettyIo.NIO : NettyIo.fromSystemProperty();
        if (config.eventLoopGroup() != null) {
            this.group = config.eventLoopGroup();
            this.ownsGroup = false;
        } else {
            long spinNanos = config.idleSpin().toNanos();
            this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("aldis-client", true),
                    io.handlerFactory(SpinningSelectStrategy.factory(() -> spinNanos, POLLERS)));
            this.ownsGroup = true;
        }
        this.sslContext = config.tls() ? buildSslContext(config) : null;
        this.callbacks = config.callbackExecutor() != null
                ? new SerialExecutor(config.callbackExecutor(), config.idleSpin())
                : new SerialExecutor(new CallbackPlacement(this::onIoThread,
                        config.callbackOnIoThreadLimit().toNanos()), config.idleSpin());
        this.pubsub = new PubSubSupport(this);
    }

    /**
     * A lane for the items of one stream, beside the other callbacks: on the configured executor,
     * by default on the shared pool, never judged onto the I/O thread. A subscriber may take its
     * time over an item or wait for something else to happen (that is what its demand is for), and
     * on the I/O thread it would hold up every answer and send of the client meanwhile.
     */
    SerialExecutor streamLane() {
        return new SerialExecutor(config.callbackExecutor() != null ? config.callbackExecutor() : SerialExecutor.SHARED,
                config.idleSpin());
    }

    /**
     * A future for an answer this client handles on its callbacks: waiting for it in one of them,
     * or on the connection's I/O thread, fails at once instead of hanging (see {@link ClientFuture}).
     */
    <T> CompletableFuture<T> newFuture() {
        return new ClientFuture<>(hopelessWait);
    }

    /** Whether a wait on the calling thread for one of this client's answers could never end. */
    private boolean waitNeverEnds() {
        return callbacks.runsTaskOnCallingThread() || onIoThread();
    }

    /** Whether the calling thread is the event loop of the client's open connection. */
    private boolean onIoThread() {
        ClientHandler h = current;
        return h != null && h.onItsEventLoop();
    }

    private static SslContext buildSslContext(ClientConfig config) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .trustManager(config.trustManagers())
                    .endpointIdentificationAlgorithm(config.hostnameVerification() ? "HTTPS" : null)
                    .build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- public API

    @Override
    public CompletableFuture<AldisClient> connect() {
        synchronized (lock) {
            switch (state) {
                case CONNECTING, CONNECTED, RECONNECTING -> {
                    return connectFuture;
                }
                case CLOSING, CLOSED -> {
                    return CompletableFuture.failedFuture(
                            new AldisException(ErrorCode.CONNECTION_FAILED, "the client is closed"));
                }
                default -> {
                    state = ClientState.CONNECTING;
                    connectFuture = newFuture();
                    initial = true;
                    attemptNumber = 0;
                    initialTries = 0;
                    failoverTriesLeft = 0;
                    // Each connect() goes through the addresses in the order given, from the first.
                    addressAt = 0;
                    startAttempt();
                    return connectFuture;
                }
            }
        }
    }

    @Override
    public ClientState state() {
        return state;
    }

    @Override
    public SessionInfo session() {
        return session;
    }

    @Override
    public List<String> knownAddresses() {
        List<String> out = new ArrayList<>();
        for (ClientConfig.Address address : known.all()) {
            out.add(address.toString());
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<String> resumeToken() {
        return Optional.ofNullable(resumeToken);
    }

    @Override
    public ClientStats stats() {
        return stats.snapshot();
    }

    @Override
    public boolean paused() {
        ClientHandler h = current;
        return h != null && h.paused();
    }

    @Override
    public CompletableFuture<Void> send(Frame frame) {
        ClientHandler h = current;
        if (h == null) {
            ReferenceCountUtil.release(frame); // a frame that holds a buffer is released by whoever does not send it
            return CompletableFuture.failedFuture(
                    new AldisException(ErrorCode.CONNECTION_LOST, "not connected (" + state() + ")"));
        }
        // Completed on the callback executor, one hand-off per batch of writes rather than per frame.
        CompletableFuture<Void> sent = newFuture();
        h.send(frame, sent, callbacks);
        return sent;
    }

    /**
     * Sends a frame whose successful write nobody waits for: only a failure is reported, to
     * {@code onFailure} on the callback executor. Saves the hand-off that completing a future
     * there would cost on every frame.
     */
    void send(Frame frame, Consumer<Throwable> onFailure) {
        ClientHandler h = current;
        if (h == null) {
            ReferenceCountUtil.release(frame);
            AldisException notConnected = new AldisException(ErrorCode.CONNECTION_LOST, "not connected (" + state() + ")");
            // Never in this thread: the sender may hold a lock of its own that callbacks must not run under.
            callbacks.execute(() -> onFailure.accept(notConnected), false);
            return;
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        sent.whenComplete((ok, error) -> {
            if (error != null) {
                callbacks.execute(() -> onFailure.accept(error), false);
            }
        });
        h.send(frame, sent, null);
    }

    @Override
    public CompletableFuture<Frame> request(long requestId, Frame frame) {
        CompletableFuture<Frame> answer;
        try {
            answer = requests.register(requestId);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        send(frame).whenComplete((ok, error) -> {
            if (error != null) {
                requests.fail(requestId, unwrap(error));
            }
        });
        return relay(answer);
    }

    @Override
    public long nextRequestId() {
        return requestIds.incrementAndGet();
    }

    @Override
    public Runnable onFrame(Consumer<Frame> handler) {
        frameHandlers.add(handler);
        return () -> frameHandlers.remove(handler);
    }

    // ---------------------------------------------------------------- RPC and pub/sub

    @Override
    public <T> CompletableFuture<T> call(String method, Object params, Class<T> resultType) {
        return rpc().call(method, params, resultType, CallOptions.defaults());
    }

    @Override
    public <T> CompletableFuture<T> call(String method, Object params, Type resultType, CallOptions options) {
        return rpc().call(method, params, resultType, options == null ? CallOptions.defaults() : options);
    }

    @Override
    public <T> Flow.Publisher<T> callStream(String method, Object params, Class<T> itemType) {
        return rpc().callStream(method, params, itemType, CallOptions.defaults());
    }

    @Override
    public <T> CompletableFuture<T> callWithStream(String method, Object[] params, Class<T> resultType) {
        return rpc().callWithStream(method, params, resultType, CallOptions.defaults());
    }

    @Override
    public <T> Flow.Publisher<T> callStream(String method, Object params, Class<T> itemType, CallOptions options) {
        return rpc().callStream(method, params, itemType, options == null ? CallOptions.defaults() : options);
    }

    @Override
    public <T> CompletableFuture<T> callWithStream(String method, Object[] params, Type resultType, CallOptions options) {
        return rpc().callWithStream(method, params, resultType, options == null ? CallOptions.defaults() : options);
    }

    @Override
    public <T> T proxy(Class<T> api) {
        return rpc().proxy(api, RpcSupport.serviceName(api));
    }

    @Override
    public <T> T proxy(Class<T> api, String service) {
        return rpc().proxy(api, service);
    }

    @Override
    public Registration provide(String service, RpcHandler handler) {
        return rpc().provide(service, handler, null);
    }

    @Override
    public Registration provide(String service, Object impl) {
        return rpc().provide(service, impl, null);
    }

    @Override
    public <T> Registration provide(Class<T> api, T impl) {
        return rpc().provide(RpcSupport.serviceName(api), impl, api);
    }

    @Override
    public CompletableFuture<Void> publish(String subject, byte[] payload) {
        return pubsub.publish(subject, payload, null, null);
    }

    @Override
    public CompletableFuture<Void> publish(String subject, byte[] payload, String replyTo, Map<String, String> headers) {
        return pubsub.publish(subject, payload, replyTo, headers);
    }

    @Override
    public Subscription subscribe(String pattern, MessageHandler handler) {
        return pubsub.subscribe(pattern, SubscribeOptions.defaults(), handler);
    }

    @Override
    public Subscription subscribe(String pattern, String queueGroup, MessageHandler handler) {
        return pubsub.subscribe(pattern, SubscribeOptions.defaults().withQueueGroup(queueGroup), handler);
    }

    @Override
    public Subscription subscribe(String pattern, SubscribeOptions options, MessageHandler handler) {
        return pubsub.subscribe(pattern, options == null ? SubscribeOptions.defaults() : options, handler);
    }

    @Override
    public CompletableFuture<Delivery> requestReply(String subject, byte[] payload, Duration timeout) {
        return pubsub.requestReply(subject, payload, timeout);
    }

    @Override
    public CompletableFuture<Message> send(String type, byte[] payload) {
        return pubsub.send(type, payload);
    }

    /** The RPC part, made on first use: it is the only part that needs Jackson. */
    private RpcSupport rpc() {
        RpcSupport r = rpc;
        if (r == null) {
            synchronized (rpcLock) {
                r = rpc;
                if (r == null) {
                    r = new RpcSupport(this);
                    rpc = r;
                }
            }
        }
        return r;
    }

    // ---------------------------------------------------------------- files

    @Override
    public Transfer upload(Path local, String remoteName, TransferOptions options) {
        return files().upload(local, remoteName, options);
    }

    @Override
    public Transfer download(String remoteName, Path local, TransferOptions options) {
        return files().download(remoteName, local, options);
    }

    @Override
    public CompletableFuture<FilePage> list(String pattern, int offset, int limit) {
        return files().list(pattern, offset, limit);
    }

    @Override
    public CompletableFuture<Void> remove(String remoteName) {
        return files().remove(remoteName);
    }

    /** The file transfers, made on first use: frames of transfers only come after one began. */
    private FileTransfers files() {
        FileTransfers f = files;
        return f != null ? f : useFiles(FileTransfers.IO, System::nanoTime, FileTransfers.currentBoot());
    }

    /**
     * Makes the file transfers with their pool, clock and machine's boot, unless they exist; tests
     * choose their own (a restart of the machine is another boot).
     */
    FileTransfers useFiles(Executor pool, java.util.function.LongSupplier nanoClock, Optional<UUID> boot) {
        synchronized (filesLock) {
            if (files == null) {
                FileTransfers made = new FileTransfers(new ClientFileHost(), pool, nanoClock, boot);
                addConsumer(made::consume);
                addInternalListener(made.listener());
                files = made;
            }
            return files;
        }
    }

    /** The client as file transfers see it. */
    private final class ClientFileHost implements FileHost {
        @Override
        public void send(Frame frame, Consumer<Throwable> onFailure) {
            DefaultAldisClient.this.send(frame, onFailure);
        }

        @Override
        public CompletableFuture<Void> sendTracked(Frame frame) {
            return DefaultAldisClient.this.send(frame);
        }

        @Override
        public long nextRequestId() {
            return DefaultAldisClient.this.nextRequestId();
        }

        @Override
        public CompletableFuture<Frame> request(long requestId, Frame frame) {
            return DefaultAldisClient.this.request(requestId, frame);
        }

        @Override
        public SessionInfo openSession() {
            return current != null ? session : null;
        }

        @Override
        public boolean mayConnect() {
            return DefaultAldisClient.this.mayConnect();
        }

        @Override
        public long announcedCapabilities() {
            return config.capabilities();
        }

        @Override
        public void onCallbackThread(Runnable task) {
            callback(task);
        }
    }

    ClientConfig config() {
        return config;
    }

    /** Adds one of the client's own frame consumers; they see frames before the application's handlers. */
    void addConsumer(Predicate<Frame> consumer) {
        consumers.add(consumer);
    }

    /** Adds an action that runs on the callback thread each time the frames of one read have been dispatched. */
    void addAfterFrames(Runnable action) {
        afterFrames.add(action);
    }

    /** Adds one of the client's own connection listeners; they are told before the application's. */
    void addInternalListener(ConnectionListener listener) {
        internalListeners.add(listener);
    }

    /** Runs {@code task} on the client's callback thread, in order with frames and events. */
    void onCallbackThread(Runnable task) {
        callback(task);
    }

    /**
     * Queues a callback; never runs it under {@link #lock}, even with a callback executor that
     * runs tasks in the calling thread.
     */
    private void callback(Runnable task) {
        callbacks.execute(task, !Thread.holdsLock(lock));
    }

    /**
     * Runs {@code task} on the callback thread after {@code delay}; null when the client is closed.
     */
    io.netty.util.Timeout schedule(Runnable task, long delay, TimeUnit unit) {
        if (!holdsTimer) {
            synchronized (lock) {
                if (state == ClientState.CLOSED) {
                    return null;
                }
                if (!holdsTimer) {
                    SharedTimer.acquire();
                    holdsTimer = true;
                }
            }
        }
        try {
            return SharedTimer.schedule(() -> callback(task), delay, unit);
        } catch (IllegalStateException closedMeanwhile) {
            return null;
        }
    }

    /** The open connection, as an identity: a new one after every reconnect; null while there is none. */
    Object connection() {
        return current;
    }

    /** Whether the client may still get a session: connected, or about to (re)connect. */
    boolean mayConnect() {
        ClientState s = state();
        return s == ClientState.CONNECTED || s == ClientState.RECONNECTING || s == ClientState.CONNECTING;
    }

    @Override
    public CompletableFuture<Void> close() {
        ClientHandler toClose;
        boolean wasOpen;
        boolean wasReconnecting;
        synchronized (lock) {
            if (closeFuture != null) {
                return closeFuture;
            }
            closeFuture = newFuture();
            wasOpen = state == ClientState.CONNECTED;
            wasReconnecting = state == ClientState.RECONNECTING;
            state = ClientState.CLOSING;
            generation++;
            if (reconnectTask != null) {
                reconnectTask.cancel(false);
            }
            toClose = current != null ? current : attempt;
            if (connectFuture != null && !connectFuture.isDone()) {
                CompletableFuture<AldisClient> pending = connectFuture;
                callback(() -> pending.completeExceptionally(
                        new AldisException(ErrorCode.CONNECTION_FAILED, "the client was closed")));
            }
        }
        CompletableFuture<Void> done = toClose == null ? CompletableFuture.completedFuture(null)
                : toClose.close(config.closeTimeout().toMillis());
        done.whenComplete((v, e) -> finishClose(wasOpen, wasReconnecting));
        return closeFuture;
    }

    private void finishClose(boolean wasOpen, boolean wasReconnecting) {
        CompletableFuture<Void> future;
        synchronized (lock) {
            state = ClientState.CLOSED;
            current = null;
            attempt = null;
            if (password != null) {
                Arrays.fill(password, '\0');
            }
            saltedPasswords.clear();
            future = closeFuture;
            if (holdsTimer) {
                holdsTimer = false;
                SharedTimer.release();
            }
        }
        requests.failAll(new AldisException(ErrorCode.CONNECTION_LOST, "the client was closed"));
        if (wasOpen) {
            notifyListeners(l -> l.disconnected(DisconnectReason.normalClose("closed by the client")));
        } else if (wasReconnecting) {
            // The application heard of the loss already; the client's own parts still wait for a
            // session (streams kept for a resume, for one) and learn here that none will come.
            notifyInternalListeners(l -> l.disconnected(DisconnectReason.normalClose("closed by the client")));
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS)
                    .addListener(f -> callback(() -> future.complete(null)));
        } else {
            callback(() -> future.complete(null));
        }
    }

    // ---------------------------------------------------------------- connection attempts

    /** Opens one connection; called under the lock. */
    private void startAttempt() {
        long gen = ++generation;
        HandshakeParams params = new HandshakeParams(config.clientId(), config.capabilities(), config.clientName(),
                resumeToken, sessionUser, config.user(), password, config.mechanism(),
                config.maxQueuedWhilePaused(), config.connectTimeout(), saltedPasswords);
        ClientHandler handler = new ClientHandler(params, events, stats, requests);
        attempt = handler;
        // Registered before the transport opens: registered after, a session that opened meanwhile
        // on another thread (a connector that hands out its connection at once) would be taken
        // here, under the lock, and its events would leave the thread that opened it.
        handler.opened().whenComplete((opened, error) -> {
            if (error != null) {
                attemptFailed(gen, error);
            } else {
                attemptOpened(gen, handler, opened);
            }
        });
        List<ClientConfig.Address> addresses = known.all();
        ClientConfig.Address address = addresses.get(addressAt % addresses.size());
        attemptAddress = address;
        ChannelFuture connecting;
        try {
            connecting = connector.connect(handler, address);
        } catch (RuntimeException e) {
            // A shut-down or rejecting event loop: treat like an unreachable node.
            callback(() -> attemptFailed(gen, new AldisException(ErrorCode.CONNECTION_FAILED,
                    "cannot start a connection: " + e.getMessage(), e)));
            return;
        }
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                attemptFailed(gen, new AldisException(ErrorCode.CONNECTION_FAILED, "cannot connect to "
                        + address + ": " + f.cause().getMessage(), f.cause()));
            }
        });
    }

    /** Connects over TCP (and TLS when configured) to a node's address. */
    private ChannelFuture dial(ClientHandler handler, ClientConfig.Address address) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(io.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ_BYTES))
                // Sends wait in the client's bounded queue above this much unwritten data: room for
                // a few batches of publishes, so a busy publisher is not held at every flush.
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (sslContext != null) {
                            p.addLast("tls", sslContext.newHandler(ch.alloc(), address.host(), address.port()));
                        }
                        p.addLast(ENCODER, LengthPrefixedFrameEncoder.INSTANCE);
                        // Frames written while the answers of one read are handled (calls made from
                        // callbacks on the I/O thread) go out in slices of a few frames. On
                        // the encoder's tail side, so that the encoder's batch ends at the real
                        // flush; on the decoder's head side, so that it sees each read, not each
                        // frame (the heartbeat handler goes beside it).
                        p.addLast(FLUSH, Flushes.consolidation(false));
                        p.addLast(DECODER, new LengthPrefixedFrameDecoder(config.maxFrameSize()));
                        p.addLast(HANDLER, handler);
                    }
                });
        return bootstrap.connect(address.host(), address.port());
    }

    private void attemptOpened(long gen, ClientHandler handler, SessionInfo opened) {
        boolean reconnected;
        CompletableFuture<AldisClient> toComplete = null;
        synchronized (lock) {
            if (gen != generation || (state != ClientState.CONNECTING && state != ClientState.RECONNECTING)) {
                handler.close(0);
                return;
            }
            attempt = null;
            current = handler;
            session = opened;
            sessionUser = opened.user();
            reconnected = !initial;
            initial = false;
            attemptNumber = 0;
            failoverTriesLeft = 0;
            connectedTo = attemptAddress;
            lostBecause = null;
            state = ClientState.CONNECTED;
            if (!reconnected) {
                toComplete = connectFuture;
            } else {
                stats.reconnects.increment();
            }
        }
        if (reconnected) {
            notifyListeners(l -> l.reconnected(opened));
        } else {
            CompletableFuture<AldisClient> future = toComplete;
            notifyListeners(l -> l.connected(opened));
            callback(() -> future.complete(this));
        }
    }

    private void attemptFailed(long gen, Throwable error) {
        AldisException failure = toAldis(error);
        synchronized (lock) {
            if (gen != generation || (state != ClientState.CONNECTING && state != ClientState.RECONNECTING)) {
                return;
            }
            attempt = null;
            boolean fatal = isFatal(failure.code());
            if (!fatal) {
                nextAddress();
            }
            if (initial && !fatal && ++initialTries < config.addresses().size()) {
                // The first connection tries every address once, at once, before it waits or gives up.
                startAttempt();
                return;
            }
            if (initial && (!config.retryInitialConnect() || fatal)) {
                state = ClientState.FAILED;
                CompletableFuture<AldisClient> future = connectFuture;
                callback(() -> future.completeExceptionally(failure));
                return;
            }
            if (fatal) {
                giveUp(failure, "the node refused to re-authenticate: " + failure.getMessage());
                return;
            }
            if (triedAnotherAtOnce()) {
                return;
            }
            scheduleNext(failure);
        }
    }

    /** Starts the next of the tries at once after a loss, when one is left; called under the lock. */
    private boolean triedAnotherAtOnce() {
        if (failoverTriesLeft == 0) {
            return false;
        }
        failoverTriesLeft--;
        startAttempt();
        return true;
    }

    /** Moves on to the next known address, round the list; called under the lock. */
    private void nextAddress() {
        addressAt = (addressAt + 1) % known.all().size();
    }

    /** Waits for the next attempt, or gives up after the last; called under the lock. */
    private void scheduleNext(AldisException lastFailure) {
        ReconnectPolicy policy = config.reconnect();
        attemptNumber++;
        if (attemptNumber > policy.maxAttempts()) {
            giveUp(lastFailure, "no connection after " + policy.maxAttempts() + " attempts");
            return;
        }
        int n = attemptNumber;
        Duration delay = policy.delay(n);
        long gen = generation;
        DisconnectReason why = lostBecause != null ? lostBecause
                : DisconnectReason.ofRawCode(lastFailure.rawCode(), lastFailure.reason(), lastFailure);
        notifyListeners(l -> l.reconnecting(n, delay, why));
        reconnectTask = group.schedule(() -> {
            synchronized (lock) {
                if (gen == generation && (state == ClientState.CONNECTING || state == ClientState.RECONNECTING)) {
                    startAttempt();
                }
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Called under the lock. */
    private void giveUp(AldisException lastFailure, String message) {
        state = ClientState.FAILED;
        AldisException failure = new AldisException(ErrorCode.RECONNECT_FAILED, message, lastFailure);
        if (initial) {
            CompletableFuture<AldisClient> future = connectFuture;
            callback(() -> future.completeExceptionally(failure));
        }
        notifyListeners(l -> l.reconnectFailed(failure));
    }

    private static boolean isFatal(ErrorCode code) {
        return code == ErrorCode.AUTH_FAILED || code == ErrorCode.UNSUPPORTED_VERSION
                || code == ErrorCode.AUTH_REQUIRED || code == ErrorCode.AUTH_MECHANISM_UNSUPPORTED
                || code == ErrorCode.AUTH_MECHANISM_NOT_ALLOWED;
    }

    // ---------------------------------------------------------------- connection events (event loop)

    private final ConnectionEvents events = new ConnectionEvents() {
        @Override
        public void tokenIssued(String token, long expiresAt) {
            resumeToken = token;
        }

        @Override
        public void nodePaused() {
            notifyListeners(ConnectionListener::paused);
        }

        @Override
        public void nodeResumed() {
            notifyListeners(ConnectionListener::resumed);
        }

        @Override
        public void capabilitiesChanged(long capabilities) {
            SessionInfo now = session;
            if (now == null) {
                return;
            }
            SessionInfo changed = new SessionInfo(now.sessionId(), now.user(), Capability.fromMask(capabilities),
                    now.maxFrameSize(), now.heartbeatMillis(), now.maxFileSize(), now.maxChunkSize(), now.resumed(),
                    now.nodeName());
            session = changed;
            notifyListeners(l -> l.capabilitiesChanged(changed));
        }

        @Override
        public void nodeAddresses(List<String> addresses, SocketAddress node) {
            synchronized (lock) {
                List<ClientConfig.Address> before = known.all();
                ClientConfig.Address at = before.get(addressAt % before.size());
                if (known.learn(addresses, at, node)) {
                    // The rotation goes on from the address in use, wherever the new list puts it;
                    // when the list dropped it, the next attempt starts again from the first address.
                    List<ClientConfig.Address> after = known.all();
                    int index = after.indexOf(at);
                    addressAt = index >= 0 ? index : after.size() - 1;
                }
            }
        }

        @Override
        public void connectionError(ErrorFrame error) {
            notifyListeners(l -> l.error(error));
        }

        @Override
        public void frames(List<Frame> frames, Runnable processed) {
            deliver(frames, processed);
        }

        @Override
        public void closed(ClientHandler handler, DisconnectReason reason, boolean reconnect) {
            connectionClosed(handler, reason, reconnect);
        }
    };

    /** Frames of one read whose handling is timed as one (see {@link FramesRead}). */
    private static final int TIMED_TOGETHER = 16;

    private void deliver(List<Frame> frames, Runnable processed) {
        callback(new FramesRead(frames, processed));
    }

    /**
     * The handling of one read's frames, timed for the judgement of where callbacks run in runs of
     * up to {@link #TIMED_TOGETHER} frames: reading the clock costs as much as handling a small
     * frame, and a run of frames that together hold the I/O thread past the limit is as much the
     * application's doing as one frame that does.
     */
    private final class FramesRead implements SerialExecutor.Batch {
        private final List<Frame> frames;
        private final Runnable processed;
        private long longest;

        FramesRead(List<Frame> frames, Runnable processed) {
            this.frames = frames;
            this.processed = processed;
        }

        @Override
        public void run() {
            try {
                long before = System.nanoTime();
                int untimed = 0;
                int left = frames.size();
                for (Frame frame : frames) {
                    dispatch(frame);
                    left--;
                    if (++untimed == TIMED_TOGETHER || left == 0) {
                        long after = System.nanoTime();
                        longest = Math.max(longest, after - before);
                        before = after;
                        untimed = 0;
                    }
                }
                for (Runnable action : afterFrames) {
                    action.run();
                }
            } finally {
                processed.run();
            }
        }

        @Override
        public long longestNanos() {
            return longest;
        }
    }

    private void dispatch(Frame frame) {
        for (Predicate<Frame> consumer : consumers) {
            try {
                if (consumer.test(frame)) {
                    return;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "the client failed on a " + frame.type() + " frame", e);
                return;
            }
        }
        for (Consumer<Frame> handler : frameHandlers) {
            try {
                handler.accept(frame);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "frame handler failed on " + frame.type(), e);
            }
        }
    }

    private void connectionClosed(ClientHandler handler, DisconnectReason reason, boolean reconnect) {
        synchronized (lock) {
            if (handler != current) {
                // A connection that never opened: its failure went through attemptFailed.
                return;
            }
            current = null;
            requests.failAll(new AldisException(ErrorCode.CONNECTION_INTERRUPTED,
                    "the connection was lost: " + reason.message()));
            if (state != ClientState.CONNECTED) {
                return;
            }
            initial = false;
            attemptNumber = 0;
            boolean again = reconnect && config.reconnect().enabled();
            // The state changes before listeners hear of it: they run on another thread at once,
            // and state() is read without the lock (a listener that still saw CONNECTED would
            // take calls of the lost connection for calls of an open one).
            state = again ? ClientState.RECONNECTING : ClientState.FAILED;
            notifyListeners(l -> l.disconnected(reason));
            if (again) {
                lostBecause = reason;
                // The node that dropped the connection may be gone: the client tries each other
                // node it knows once, at once, and waits its reconnect delay only when none
                // answers. A delay spreads many clients coming back to the one node they lost;
                // the others are up, and a session resumed there costs them a token lookup. There
                // is one such round per first delay at the most: nodes that take the session and
                // drop it again would otherwise have the client back at once, again and again.
                nextAddress();
                List<ClientConfig.Address> all = known.all();
                long now = System.nanoTime();
                boolean roundDue = !hadRound || now - lastRoundAtNanos >= config.reconnect().initialDelay().toNanos();
                failoverTriesLeft = !roundDue ? 0 : all.contains(connectedTo) ? all.size() - 1 : all.size();
                if (failoverTriesLeft > 0) {
                    hadRound = true;
                    lastRoundAtNanos = now;
                }
                if (!triedAnotherAtOnce()) {
                    scheduleNext(null);
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Tells only the client's own listeners, as {@link #notifyListeners} does. */
    private void notifyInternalListeners(Consumer<ConnectionListener> event) {
        callback(() -> {
            for (ConnectionListener listener : internalListeners) {
                try {
                    event.accept(listener);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "the client failed on a connection event", e);
                }
            }
        });
    }

    /** Queues a listener callback; safe under the lock because it only enqueues. */
    private void notifyListeners(Consumer<ConnectionListener> event) {
        callback(() -> {
            for (ConnectionListener listener : internalListeners) {
                try {
                    event.accept(listener);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "the client failed on a connection event", e);
                }
            }
            for (ConnectionListener listener : listeners) {
                try {
                    event.accept(listener);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "connection listener failed", e);
                }
            }
        });
    }

    /** The same outcome, delivered on the callback executor, in order with the other callbacks. */
    private <T> CompletableFuture<T> relay(CompletableFuture<T> source) {
        CompletableFuture<T> target = newFuture();
        source.whenComplete((value, error) -> callback(() -> {
            if (error != null) {
                target.completeExceptionally(unwrap(error));
            } else {
                target.complete(value);
            }
        }));
        return target;
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static AldisException toAldis(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof AldisException a ? a
                : new AldisException(ErrorCode.CONNECTION_FAILED, String.valueOf(cause.getMessage()), cause);
    }
}
