package io.aldis.itest.support;

import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.ScramSha256Mechanism;
import io.aldis.feature.filetransfer.internal.SysFileEvents;
import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.internal.FilesEngine;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.feature.filetransfer.internal.store.LocalFileStore;
import io.aldis.feature.pubsub.internal.PubSubEngine;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.internal.RpcEngine;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.feature.streaming.internal.StreamingEngine;
import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.node.core.internal.Node;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.transport.tcp.internal.TcpServer;
import io.aldis.transport.tcp.internal.TcpSettings;
import io.aldis.transport.ws.internal.WsServer;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real node in this JVM for socket-level tests: the same classes Karaf runs, wired by hand the
 * way their components wire them, with listeners on free loopback ports. Choose what it runs with
 * the {@link Builder}; {@link #close()} stops everything it started, clients included.
 *
 * <pre>{@code
 * try (NodeFixture node = NodeFixture.builder()
 *         .user("alice", "user").user("root", "admin")   // SCRAM users, password PASSWORD
 *         .pubsub()                                      // or .pubsub(settings)
 *         .rpc()                                         // or .rpc(settings)
 *         .streaming()                                   // or .streaming(settings)
 *         .files()                                       // or .files(settings); storage in a temp dir
 *         .tcp().ws()                                    // TCP only when none is named
 *         .start();
 *      FrameClient alice = node.login("alice")) {
 *     alice.subscribeOk(1, "a.>");
 * }
 * }</pre>
 *
 * <p>Authentication is always SCRAM-SHA-256 over a credential store in a temporary directory;
 * {@link #store()} adds, changes and removes users while the node runs. With {@link Builder#tls()}
 * every listener is TLS with a fresh self-signed certificate ({@link #certificates()}).
 * Tests that also check for leaked buffers add {@code @ExtendWith(LeakWatch.class)}.
 */
public final class NodeFixture implements AutoCloseable {
    /** The password of users added without one. */
    public static final String PASSWORD = "wonderland-42";

    private final Path dir;
    private final CredentialStore store;
    private final Node node;
    private final ScramSha256Mechanism scram;
    private final Map<String, String> passwords;
    private final PubSubSettings pubsubSettings;
    private final RpcSettings rpcSettings;
    private final StreamingSettings streamingSettings;
    private final FilesSettings filesSettings;
    private final UnaryOperator<FileStore> fileStoreWrapper;
    private final Clock clock;
    private volatile FilesEngine files;
    private volatile LocalFileStore fileStore;
    private final long loginCapabilities;
    private final boolean keepAlive;
    private volatile PubSubEngine pubsub;
    private volatile RpcEngine rpc;
    /** The streaming feature's streams while it runs, which RPC asks as it asks the OSGi service. */
    private volatile CallStreams callStreams;
    private volatile StreamingEngine streaming;
    private volatile Authorizer authorizer;
    private final TestCertificates certificates;
    private TcpSettings tcpSettings;
    private TcpServer tcp;
    private final WsServer ws;
    private final List<AldisClient> javaClients = new ArrayList<>();
    private final List<FrameClient> frameClients = new ArrayList<>();
    private final AtomicLong serviceIds = new AtomicLong(1000);

    private NodeFixture(Builder b) throws Exception {
        dir = Files.createTempDirectory("aldis-node");
        store = new CredentialStore(b.usersFile != null ? b.usersFile : dir.resolve("aldis-users.properties"), 4096,
                false);
        passwords = new HashMap<>();
        b.users.forEach((name, user) -> {
            // A users file kept from an earlier run may have the user already.
            if (store.find(name).isEmpty()) {
                store.add(name, user.password().toCharArray(), Set.of(user.roles()));
            }
            passwords.put(name, user.password());
        });
        node = new Node(b.settings, b.clock);
        scram = new ScramSha256Mechanism(store);
        node.addMechanism(scram);
        store.addRevocation(node); // as the service registry wires them in Karaf
        pubsubSettings = b.pubsub;
        rpcSettings = b.rpc;
        streamingSettings = b.streaming;
        fileStoreWrapper = b.fileStoreWrapper;
        filesSettings = b.files == null ? null
                : b.files.storageRoot().isEmpty() ? withRoot(b.files, dir.resolve("files")) : b.files;
        clock = b.clock;
        loginCapabilities = b.loginCapabilities;
        keepAlive = b.keepAlive;
        if (pubsubSettings != null) {
            startPubSub();
        }
        if (rpcSettings != null) {
            startRpc();
        }
        if (streamingSettings != null) {
            startStreaming();
        }
        if (filesSettings != null) {
            startFiles();
        }
        certificates = b.tls ? TestCertificates.createIn(dir) : null;
        boolean noListener = b.tcp == null && b.ws == null;
        tcpSettings = noListener ? TcpSettings.plain("test", 0) : b.tcp;
        if (tcpSettings != null) {
            if (certificates != null) {
                tcpSettings = tcpSettings.withTls(certificates.serverSettings());
            }
            startTcp();
        }
        if (b.ws != null) {
            ws = new WsServer(certificates != null ? b.ws.withTls(certificates.serverSettings()) : b.ws, node);
            ws.start();
        } else {
            ws = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What the node runs; every choice has a default, so {@code builder().start()} is a bare node on TCP. */
    public static final class Builder {
        private NodeSettings settings = NodeSettings.defaults();
        private Clock clock = Clock.systemUTC();
        private final Map<String, User> users = new LinkedHashMap<>();
        private PubSubSettings pubsub;
        private RpcSettings rpc;
        private StreamingSettings streaming;
        private FilesSettings files;
        private UnaryOperator<FileStore> fileStoreWrapper = UnaryOperator.identity();
        private TcpSettings tcp;
        private WsSettings ws;
        private boolean tls;
        private long loginCapabilities = FrameClient.ALL_BUT_LZ4_AND_ADDRESSES;
        private boolean keepAlive;
        private Path usersFile;

        private Builder() {
        }

        public Builder settings(NodeSettings nodeSettings) {
            this.settings = nodeSettings;
            return this;
        }

        /** The clock the node's throttle and tokens read, so a test can decide what time it is. */
        public Builder clock(Clock nodeClock) {
            this.clock = nodeClock;
            return this;
        }

        /** A user with {@link NodeFixture#PASSWORD} and these roles. */
        public Builder user(String name, String... roles) {
            return userWithPassword(name, PASSWORD, roles);
        }

        public Builder userWithPassword(String name, String password, String... roles) {
            users.put(name, new User(password, roles));
            return this;
        }

        /**
         * Keeps the users in {@code file} rather than in the fixture's temporary directory, so that
         * they outlive the node; users the builder names are added when the file lacks them.
         */
        public Builder usersFile(Path file) {
            this.usersFile = file;
            return this;
        }

        /** The pub/sub feature (capabilities pubsub and messages) with default settings. */
        public Builder pubsub() {
            return pubsub(PubSubSettings.defaults());
        }

        public Builder pubsub(PubSubSettings pubsubSettings) {
            this.pubsub = pubsubSettings;
            return this;
        }

        /** The RPC feature with default settings. */
        public Builder rpc() {
            return rpc(RpcSettings.defaults());
        }

        public Builder rpc(RpcSettings rpcSettings) {
            this.rpc = rpcSettings;
            return this;
        }

        /** The streaming feature (capability streams) with default settings. */
        public Builder streaming() {
            return streaming(StreamingSettings.defaults());
        }

        public Builder streaming(StreamingSettings streamingSettings) {
            this.streaming = streamingSettings;
            return this;
        }

        /** The file-transfer feature with default settings, storing under the fixture's temporary directory. */
        public Builder files() {
            return files(FilesSettings.defaults(""));
        }

        /** The same with these settings; an empty storage root means the fixture's temporary directory. */
        public Builder files(FilesSettings filesSettings) {
            this.files = filesSettings;
            return this;
        }

        /**
         * Puts the store {@code wrapper} makes of the local one between the file-transfer feature and
         * its storage, as a registered {@code FileStore} service would; for tests that watch or hold
         * back what the feature reads and writes.
         */
        public Builder fileStore(UnaryOperator<FileStore> wrapper) {
            this.fileStoreWrapper = wrapper;
            return this;
        }

        /** A TCP listener on a free port; the node has one anyway when no listener is named. */
        public Builder tcp() {
            return tcp(TcpSettings.plain("tcp-test", 0));
        }

        public Builder tcp(TcpSettings tcpSettings) {
            this.tcp = tcpSettings;
            return this;
        }

        /** A WebSocket listener on a free port, path {@code /aldis}. */
        public Builder ws() {
            return ws(WsSettings.plain("ws-test", 0));
        }

        public Builder ws(WsSettings wsSettings) {
            this.ws = wsSettings;
            return this;
        }

        /** TLS on every listener, with a fresh self-signed certificate. */
        public Builder tls() {
            this.tls = true;
            return this;
        }

        /** The capabilities {@link NodeFixture#login} announces; every one but LZ4 unless set. */
        public Builder loginCapabilities(long mask) {
            this.loginCapabilities = mask;
            return this;
        }

        /** Clients from {@link NodeFixture#login} send keep-alive PINGs ({@link FrameClient#keepAlive}). */
        public Builder keepAliveLogins() {
            this.keepAlive = true;
            return this;
        }

        public NodeFixture start() throws Exception {
            return new NodeFixture(this);
        }
    }

    private record User(String password, String[] roles) {
    }

    // ---- the parts

    public Node node() {
        return node;
    }

    /** The users; changes apply at once, as with {@code aldis:user-*}. */
    public CredentialStore store() {
        return store;
    }

    /** The node's one authentication mechanism, for tests that take it away. */
    public ScramSha256Mechanism scram() {
        return scram;
    }

    public Path dir() {
        return dir;
    }

    /** The pub/sub engine running now; null without the feature. */
    public PubSubEngine pubsub() {
        return pubsub;
    }

    /** The RPC engine running now; null without the feature. */
    public RpcEngine rpc() {
        return rpc;
    }

    /** The streaming engine running now; null without the feature. */
    public StreamingEngine streaming() {
        return streaming;
    }

    public TcpServer tcpServer() {
        return tcp;
    }

    public WsServer wsServer() {
        return ws;
    }

    /** The certificate of a TLS node; null without {@link Builder#tls()}. */
    public TestCertificates certificates() {
        return certificates;
    }

    public int tcpPort() {
        return tcp.port();
    }

    public int wsPort() {
        return ws.port();
    }

    /** Where a WebSocket client connects, {@code ws:} or {@code wss:}. */
    public URI wsUri() {
        return URI.create((ws.secure() ? "wss" : "ws") + "://127.0.0.1:" + ws.port() + ws.settings().path());
    }

    /** The password of a user added through the builder. */
    public String password(String user) {
        return passwords.get(user);
    }

    // ---- features coming and going, as their bundles start and stop

    /** Starts a new instance of the pub/sub feature and registers its two frame handlers. */
    public void startPubSub() {
        pubsub = new PubSubEngine(pubsubSettings != null ? pubsubSettings : PubSubSettings.defaults());
        node.addHandler(pubsub.pubSubFrames(), Map.of(FrameHandler.CAPABILITY, "pubsub"));
        node.addHandler(pubsub.messageFrames(), Map.of(FrameHandler.CAPABILITY, "messages"));
    }

    /** Withdraws the pub/sub handlers, then stops the engine, as the bundle's stop does. */
    public void stopPubSub() {
        node.removeHandler(pubsub.pubSubFrames());
        node.removeHandler(pubsub.messageFrames());
        pubsub.close();
    }

    /** Starts a new instance of the RPC feature; it asks {@link #authorizer(Authorizer)}'s authorizer. */
    public void startRpc() {
        rpc = new RpcEngine(rpcSettings != null ? rpcSettings : RpcSettings.defaults(), () -> authorizer,
                () -> callStreams);
        node.addHandler(rpc.frames(), Map.of(FrameHandler.CAPABILITY, "rpc"));
    }

    /** Withdraws the RPC handler, then stops the engine, as the bundle's stop does. */
    public void stopRpc() {
        node.removeHandler(rpc.frames());
        rpc.close();
    }

    /**
     * Starts a new instance of the streaming feature: registers its frame handler (capability
     * {@code streams}) and offers its streams to RPC, as the component does with its services.
     */
    public void startStreaming() {
        streaming = new StreamingEngine(streamingSettings != null ? streamingSettings : StreamingSettings.defaults(),
                name -> null);
        node.addHandler(streaming.frames(), Map.of(FrameHandler.CAPABILITY, "streams"));
        callStreams = streaming.callStreams();
    }

    /**
     * Stops the streaming feature as its bundle's stop does: no stream opens any more, the open
     * ones end with STREAM_ERROR CAPABILITY_UNAVAILABLE, then the frame handler goes.
     */
    public void stopStreaming() {
        callStreams = null;
        streaming.close();
        node.removeHandler(streaming.frames());
    }

    private static FilesSettings withRoot(FilesSettings s, Path root) {
        return new FilesSettings(root.toString(), s.maxFileSize(), s.chunkSize(), s.maxChunkSize(), s.window(),
                s.userQuota(), s.globalQuota(), s.checkpointRetentionSeconds(), s.workerThreads(),
                s.maxTransfersPerSession(), s.listRate(), s.listBurst());
    }

    /**
     * Starts a new instance of the file-transfer feature over the same storage root: registers its
     * frame handler (capabilities file_transfer and lz4), as the component does.
     */
    public void startFiles() throws IOException {
        fileStore = new LocalFileStore(Path.of(filesSettings.storageRoot()));
        // $sys.file.* events reach pub/sub while it runs, as through the SystemEvents service in Karaf.
        files = new FilesEngine(filesSettings, fileStoreWrapper.apply(fileStore), () -> authorizer, clock, new SysFileEvents(
                () -> pubsub == null ? null : pubsub.events()::publish));
        node.addHandler(files.frames(), Map.of(FrameHandler.CAPABILITY, new String[] {"file_transfer", "lz4"}));
    }

    /** Stops the file-transfer feature as its bundle's stop does: the handler goes, transfers stop at checkpoints. */
    public void stopFiles() {
        node.removeHandler(files.frames());
        files.close();
    }

    /** The file-transfer engine running now; null without the feature. */
    public FilesEngine files() {
        return files;
    }

    /** The file-transfer feature's storage; null without the feature. */
    public LocalFileStore fileStore() {
        return fileStore;
    }

    /** The streaming feature's streams while it runs, as RPC finds them; null without it. */
    public CallStreams callStreams() {
        return callStreams;
    }

    /** The authorizer RPC asks; null (the default) means {@link Authorizer#DEFAULT}, as with no ACL installed. */
    public void authorizer(Authorizer newAuthorizer) {
        this.authorizer = newAuthorizer;
    }

    /** Exports {@code service} over RPC as {@code name}, as the RPC component does for an OSGi service. */
    public Object export(String name, Object service, Class<?>... interfaces) {
        return export(name, service, Map.of(), interfaces);
    }

    /** The same with extra service properties. */
    public Object export(String name, Object service, Map<String, ?> extra, Class<?>... interfaces) {
        Map<String, Object> properties = new HashMap<>(extra);
        properties.put(RpcConstants.SERVICE, name);
        properties.put("objectClass", Arrays.stream(interfaces).map(Class::getName).toArray(String[]::new));
        properties.put("service.id", serviceIds.incrementAndGet());
        return rpc.addService(service, properties, "test.bundle");
    }

    // ---- the TCP listener

    /** Stops the TCP listener (its connections drop) but keeps the node. */
    public void stopTcp() {
        tcp.stop();
    }

    /** Starts a TCP listener again, on the port the last one had. */
    public void startTcp() throws Exception {
        tcp = new TcpServer(tcpSettings, node);
        tcp.start();
        tcpSettings = new TcpSettings(tcpSettings.name(), tcpSettings.host(), tcp.port(), tcpSettings.maxConnections(),
                tcpSettings.maxFrameSize(), tcpSettings.ioThreads(), tcpSettings.spinMicros(), tcpSettings.tls());
    }

    // ---- frame clients, closed with the node

    /** A connection to the TCP listener that has sent nothing yet. */
    public FrameClient raw() throws IOException {
        return track(FrameClient.over(TcpFrameTransport.connect(tcpPort())));
    }

    /** The same from another loopback address, such as 127.0.0.7. */
    public FrameClient rawFrom(String localAddress) throws IOException {
        return track(FrameClient.over(TcpFrameTransport.connectFrom(localAddress, tcpPort())));
    }

    /** Frames over a socket the test opened to the TCP listener (such as a TLS socket). */
    public FrameClient rawOver(Socket socket) throws IOException {
        return track(FrameClient.over(new TcpFrameTransport(socket)));
    }

    /** A connection to the WebSocket listener, upgraded with {@link RawWebSocket}, that has sent no frame yet. */
    public FrameClient rawWs() throws IOException {
        return track(FrameClient.over(WsFrameTransport.open(wsPort())));
    }

    /** A raw WebSocket connection under the batched subprotocol: several length-prefixed frames per message. */
    public FrameClient rawWsBatched() throws IOException {
        return track(FrameClient.over(BatchedWsFrameTransport.open(wsPort())));
    }

    /** A connection to the WebSocket listener through the JDK's WebSocket client, as a browser would open it. */
    public FrameClient jdkWs() throws Exception {
        JdkWsFrameTransport transport = certificates != null
                ? JdkWsFrameTransport.open(wsUri(), certificates.clientContext())
                : JdkWsFrameTransport.open(wsUri());
        return track(FrameClient.over(transport));
    }

    /** A client over TCP, connected and logged in as {@code user} with SCRAM. */
    public FrameClient login(String user) throws Exception {
        return login(user, 0);
    }

    /**
     * The same with a socket receive buffer of {@code receiveBuffer} bytes (0: the default); a
     * small one plays a client that reads slowly.
     */
    public FrameClient login(String user, int receiveBuffer) throws Exception {
        FrameClient c = track(FrameClient.over(TcpFrameTransport.connect(tcpPort(), receiveBuffer)));
        c.keepAlive(keepAlive);
        c.login(user, password(user), loginCapabilities);
        return c;
    }

    private FrameClient track(FrameClient c) {
        synchronized (frameClients) {
            frameClients.add(c);
        }
        return c;
    }

    // ---- Java clients, closed with the node

    /** A Java client builder for {@code user} on the TCP listener that reconnects after 50 ms, up to 20 times. */
    public AldisClient.Builder clientBuilder(String user) {
        return AldisClient.builder()
                .address("127.0.0.1", tcpPort())
                .credentials(user, password(user).toCharArray())
                .clientName("fixture-client")
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 20));
    }

    /** A connected Java client of {@code user}. */
    public AldisClient connect(String user) throws Exception {
        return connect(clientBuilder(user));
    }

    /** Builds and connects a Java client, which the node closes when it closes. */
    public AldisClient connect(AldisClient.Builder builder) throws Exception {
        AldisClient client = builder.build();
        synchronized (javaClients) {
            javaClients.add(client);
        }
        client.connect().get(10, TimeUnit.SECONDS);
        return client;
    }

    /** Ends the session of {@code client} as an operator would, keeping its resume token valid. */
    public void kill(AldisClient client) {
        Session session = node.find(client.session().sessionId()).orElseThrow();
        if (!node.kill(session.id(), false)) {
            throw new AssertionError("no session " + session.id());
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (javaClients) {
            for (AldisClient c : javaClients) {
                try {
                    c.close().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // the node goes next anyway
                }
            }
        }
        synchronized (frameClients) {
            for (FrameClient c : frameClients) {
                c.close();
            }
        }
        // The node first, while the listeners' event loops can still run its session closes.
        node.close();
        if (ws != null) {
            ws.stop();
        }
        if (tcp != null) {
            tcp.stop();
        }
        if (pubsub != null) {
            pubsub.close();
        }
        if (rpc != null) {
            rpc.close();
        }
        if (streaming != null) {
            streaming.close();
        }
        if (files != null) {
            files.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
