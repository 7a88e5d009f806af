package io.aldis.node.core.internal;

import io.aldis.node.core.internal.session.FeatureNotices;
import io.aldis.node.core.internal.session.NodeSession;
import io.aldis.node.core.internal.session.SessionHandler;
import io.aldis.node.core.internal.session.SessionHost;
import io.aldis.node.core.internal.stats.TransportTraffic;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.codec.Flushes;
import io.aldis.protocol.api.codec.Heartbeats;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.aldis.protocol.api.spi.auth.AuthenticationMechanism;
import io.aldis.protocol.api.spi.auth.CredentialRevocation;
import io.aldis.protocol.api.spi.node.ClientAddressBook;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.ResumeTokenStore;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionRegistry;
import io.aldis.protocol.api.spi.node.SessionStats;
import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;
import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node engine: accepts connections from transports, runs their sessions and dispatches
 * session frames to the feature handlers registered right now. It has no OSGi dependency, so it
 * can run in a plain JVM; {@link NodeComponent} wires it into the service registry.
 */
public final class Node implements ConnectionAcceptor, SessionRegistry, CredentialRevocation, AutoCloseable {
    static final System.Logger LOG = System.getLogger("io.aldis.node");

    private volatile NodeSettings settings;
    private final Clock clock;
    private final List<AuthenticationMechanism> mechanisms = new CopyOnWriteArrayList<>();
    private final Map<AuthenticationMechanism, Integer> mechanismRankings = new IdentityHashMap<>();
    private final HandlerRegistry handlers = new HandlerRegistry();
    private final Map<UUID, NodeSession> sessions = new ConcurrentHashMap<>();
    private final TransportTraffic traffic = new TransportTraffic();
    private final ResumeTokens tokens;
    private final AuthThrottle throttle;
    private final ExecutorService workers;
    private final Host host = new Host();
    private final ClientAddresses clientAddresses = new ClientAddresses(() -> sessions.values());
    private volatile boolean closed;

    public Node(NodeSettings settings) {
        this(settings, Clock.systemUTC());
    }

    /** A node whose token expiry and authentication throttle read the given clock (tests). */
    public Node(NodeSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.tokens = new ResumeTokens(clock, settings.resumeTokenTtlSeconds() * 1000L,
                settings.maxResumeTokensPerUser());
        this.throttle = new AuthThrottle(clock, settings.authFailureDelayMillis(), settings.authFailureMaxDelayMillis());
        int threads = settings.workerThreads() > 0 ? settings.workerThreads()
                : 2 * Runtime.getRuntime().availableProcessors();
        AtomicInteger count = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "aldis-worker-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Applies new settings; open sessions keep the limits they were given in CONNECT_ACK. */
    public void update(NodeSettings newSettings) {
        this.settings = newSettings;
        tokens.limits(newSettings.resumeTokenTtlSeconds() * 1000L, newSettings.maxResumeTokensPerUser());
        throttle.delays(newSettings.authFailureDelayMillis(), newSettings.authFailureMaxDelayMillis());
    }

    public NodeSettings settings() {
        return settings;
    }

    public void addMechanism(AuthenticationMechanism mechanism) {
        addMechanism(mechanism, 0);
    }

    /**
     * Adds a mechanism. CONNECT_ACK lists mechanisms by their ranking, highest first (the node's
     * order of preference), and those of equal ranking in the order they came.
     */
    public synchronized void addMechanism(AuthenticationMechanism mechanism, int ranking) {
        mechanismRankings.put(mechanism, ranking);
        int at = 0;
        while (at < mechanisms.size() && mechanismRankings.getOrDefault(mechanisms.get(at), 0) >= ranking) {
            at++;
        }
        mechanisms.add(at, mechanism);
    }

    public synchronized void removeMechanism(AuthenticationMechanism mechanism) {
        mechanisms.remove(mechanism);
        mechanismRankings.remove(mechanism);
    }

    /**
     * Registers a feature handler. It first restores, for every open session, what the session
     * kept for it; only then does it get frames, and only then are the sessions told of the new
     * capabilities, so a client told that a family is back finds every other client's state of
     * that family back too.
     */
    public void addHandler(FrameHandler handler, Map<String, ?> properties) {
        // Identity, not a list: with many sessions open, contains() on a list would make this quadratic.
        java.util.Set<NodeSession> restored = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (NodeSession session : sessions.values()) {
            // Held: a session that ends meanwhile is told so once the handler is registered, so
            // that the handler releases what it restored for it. Held before it is checked: a CLOSE
            // read after the check then asks the features only once the handler restored it.
            if (session.notices().hold()) {
                if (session.isOpen()) {
                    // No frame reaches the handler before it is in the registry, so this cannot race one.
                    openedTo(handler, session);
                    restored.add(session);
                } else {
                    session.notices().release();
                }
            }
        }
        handlers.add(handler, properties);
        try {
            for (NodeSession session : sessions.values()) {
                if (!restored.contains(session)) {
                    // Opened while the handler was restoring others: its own opening may have missed it.
                    openedLater(handler, session);
                }
                session.capabilitiesChanged();
            }
        } finally {
            restored.forEach(session -> session.notices().release());
        }
    }

    /** Withdraws a feature handler; open sessions get a CAPABILITY_CHANGE and keep what they set up through it. */
    public void removeHandler(FrameHandler handler) {
        handlers.remove(handler);
        for (NodeSession session : sessions.values()) {
            session.capabilitiesChanged();
        }
    }

    private static void openedTo(FrameHandler handler, NodeSession session) {
        try {
            handler.sessionOpened(session);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "A feature failed to restore the state of session " + session.id(), e);
        }
    }

    /** Tells {@code handler} of an open session on the workers. */
    private void openedLater(FrameHandler handler, NodeSession session) {
        // Held while checked and queued, as in addHandler: a CLOSE read meanwhile asks the features after this opening.
        if (!session.notices().hold()) {
            return;
        }
        try {
            if (session.isOpen()) {
                session.notices().opening(workers, () -> openedTo(handler, session));
            }
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // The node is stopping: nothing to restore for.
        } finally {
            session.notices().release();
        }
    }

    /** The capability mask CONNECT_ACK announces right now. */
    public long capabilities() {
        return host.capabilities();
    }

    @Override
    public long authTimeoutMillis() {
        return settings.authTimeoutMillis();
    }

    /** Authentication attempts the throttle has slowed down so far. */
    public long throttledAttempts() {
        return throttle.throttledAttempts();
    }

    /** What the authentication throttle did so far. */
    public ThrottleCounts throttleCounts() {
        return throttle.counts();
    }

    /** Authentication attempts judged a failure since the node started. */
    public long authenticationFailures() {
        return throttle.failedAttempts();
    }

    @Override
    public void accept(TransportConnection connection) {
        if (closed) {
            connection.channel().close();
            return;
        }
        NodeSettings s = settings;
        ChannelPipeline pipeline = connection.channel().pipeline();
        Heartbeats heartbeats = new Heartbeats(2L * s.heartbeatIntervalMillis(), s.heartbeatIntervalMillis());
        // Many small frames (fan-out, answers from RPC workers) go out in a few syscalls instead of one each.
        FlushConsolidationHandler flushes = Flushes.consolidation(true);
        // Where the transport decodes length-prefixed frames behind its encoder, both go in front
        // of the decoder: they then see each read instead of each frame, and still see every
        // flush before the encoder. Elsewhere (WebSocket) they go after the transport's handlers.
        ChannelHandlerContext decoder = pipeline.context(LengthPrefixedFrameDecoder.class);
        ChannelHandlerContext encoder = pipeline.context(LengthPrefixedFrameEncoder.class);
        if (decoder != null && encoder != null && before(pipeline, encoder, decoder)) {
            pipeline.addBefore(decoder.name(), "aldis-idle", heartbeats);
            pipeline.addBefore(decoder.name(), "aldis-flush", flushes);
        } else {
            pipeline.addLast("aldis-idle", heartbeats);
            pipeline.addLast("aldis-flush", flushes);
        }
        pipeline.addLast("aldis-session", new SessionHandler(host, connection, s));
    }

    /** Whether {@code first} comes before {@code second}, seen from the head of the pipeline. */
    private static boolean before(ChannelPipeline pipeline, ChannelHandlerContext first, ChannelHandlerContext second) {
        for (String name : pipeline.names()) {
            if (name.equals(first.name())) {
                return true;
            }
            if (name.equals(second.name())) {
                return false;
            }
        }
        return false;
    }

    @Override
    public Collection<Session> sessions() {
        return new ArrayList<>(sessions.values());
    }

    /** Frames and bytes per transport since the node started, ended sessions included. */
    public List<TransportTraffic.Totals> traffic() {
        return traffic.totals(sessions.values(), s -> s.connection().transport(), NodeSession::stats);
    }

    @Override
    public Optional<Session> find(UUID id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public SessionStats stats(Session session) {
        if (session instanceof NodeSession ours) {
            return ours.stats();
        }
        return new SessionStats(0, 0, 0, 0, 0);
    }

    @Override
    public boolean kill(UUID id, boolean revokeToken) {
        NodeSession session = sessions.get(id);
        if (session == null) {
            return false;
        }
        if (revokeToken) {
            session.revokeToken();
        }
        session.close(ErrorCode.SESSION_KILLED, "session closed by an operator");
        return true;
    }

    @Override
    public int supersede(String resumeKey) {
        int ended = 0;
        for (NodeSession session : sessions.values()) {
            if (resumeKey != null && resumeKey.equals(session.resumeKeyHeld())) {
                session.supersede();
                ended++;
            }
        }
        return ended;
    }

    /**
     * Shares resume tokens through {@code store} (a feature's, to make them valid on every node of
     * a cluster), or, with null, checks them in this node's memory again. Open sessions are not
     * touched either way.
     */
    public void tokenStore(ResumeTokenStore store) {
        tokens.share(store, workers);
    }

    /**
     * Passes the cluster's client addresses in {@code book} on to the clients that ask for them
     * (null: none, the node is alone). Open sessions are told of the change of capabilities and,
     * when they asked, given the addresses.
     */
    public void clientAddressBook(ClientAddressBook book) {
        clientAddresses.use(book);
        for (NodeSession session : sessions.values()) {
            session.capabilitiesChanged();
        }
        clientAddresses.changed();
    }

    /** Whether {@code book} is the address book in use. */
    public boolean clientAddressBookIs(ClientAddressBook book) {
        return clientAddresses.uses(book);
    }

    /** Whether {@code store} is the shared token store in use. */
    public boolean tokenStoreIs(ResumeTokenStore store) {
        return tokens.sharedStore() == store;
    }

    @Override
    public int credentialsChanged(String user) {
        int revoked = tokens.revokeUser(user);
        if (revoked > 0) {
            LOG.log(System.Logger.Level.INFO, () -> "Revoked " + revoked + " resume token(s) of user '" + user
                    + "': its credentials changed");
        }
        return revoked;
    }

    /** Closes every session with SHUTTING_DOWN and stops the workers. */
    @Override
    public void close() {
        closed = true;
        for (NodeSession session : sessions.values()) {
            session.close(ErrorCode.SHUTTING_DOWN, "node shutting down");
        }
        workers.shutdown();
        try {
            workers.awaitTermination(settings.closeTimeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable dropped : workers.shutdownNow()) {
            if (dropped instanceof FeatureNotices.Opening opening) {
                // Its session's end, which waits for it, is told all the same.
                opening.skip();
            }
        }
    }

    /** The mechanisms registered right now, in the order CONNECT_ACK lists them. */
    List<AuthenticationMechanism> mechanisms() {
        return mechanisms;
    }

    /** The node as its sessions see it: a private view, so that none of this widens the node's own API. */
    private final class Host implements SessionHost {
        @Override
        public List<AuthenticationMechanism> mechanisms() {
            return Node.this.mechanisms;
        }

        @Override
        public ResumeTokens tokens() {
            return tokens;
        }

        @Override
        public AuthThrottle throttle() {
            return throttle;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public long capabilities() {
            return handlers.capabilities() | (clientAddresses.present() ? Capability.NODE_ADDRESSES.mask() : 0);
        }

        @Override
        public NodeAddresses clientAddresses(long clientCapabilities) {
            return clientAddresses.frameFor(clientCapabilities);
        }

        @Override
        public FrameHandler handlerFor(FrameType type) {
            return handlers.handlerFor(type);
        }

        @Override
        public Collection<FrameHandler> handlers() {
            return handlers.handlers();
        }

        @Override
        public Executor workers() {
            return workers;
        }

        @Override
        public void registered(NodeSession session) {
            sessions.put(session.id(), session);
        }

        @Override
        public CompletableFuture<Void> supersede(NodeSession successor, String token) {
            List<CompletableFuture<Void>> ends = new ArrayList<>();
            for (NodeSession other : sessions.values()) {
                if (other != successor && other.holds(token)) {
                    other.supersede();
                    ends.add(other.ended());
                }
            }
            return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
        }

        /** Tells the features a session is authenticated, off the event loop. */
        @Override
        public void opened(NodeSession session) {
            for (FrameHandler handler : handlers.handlers()) {
                try {
                    session.notices().opening(workers, () -> {
                        try {
                            handler.sessionOpened(session);
                        } catch (RuntimeException e) {
                            LOG.log(System.Logger.Level.WARNING, "Feature handler failed on session open", e);
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                    return;
                }
            }
        }

        /** The features hear of the end after any notice of the opening still queued for them. */
        @Override
        public void closed(NodeSession session) {
            session.notices().end(() -> {
                // Until now a session resuming this one finds it, and waits for its end.
                traffic.retire(session.connection().transport(), session.stats(), () -> sessions.remove(session.id()));
                for (FrameHandler handler : handlers.handlers()) {
                    try {
                        handler.sessionClosed(session);
                    } catch (RuntimeException e) {
                        LOG.log(System.Logger.Level.WARNING, "Feature handler failed on session close", e);
                    }
                }
                session.ended().complete(null);
            });
        }
    }
}
