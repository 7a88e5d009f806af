package io.aldis.itest.node;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.ScramSha256Mechanism;
import io.aldis.node.core.internal.Node;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.feature.pubsub.internal.PubSubEngine;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.internal.RpcEngine;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.transport.tcp.internal.TcpServer;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A real node in this JVM: the core, SCRAM authentication against a credential store in a temp
 * directory, and a TCP listener on a free loopback port; the same classes Karaf runs, wired by hand.
 * {@link #startWithFeatures} adds the pub/sub and RPC features the way their components register
 * them: the engines' own frame handlers.
 */
public final class TestNode implements AutoCloseable {
    public static final String USER = "alice";
    public static final String PASSWORD = "wonderland-42";

    public final Path dir;
    public final CredentialStore store;
    public final Node node;
    /** The node's one authentication mechanism, for tests that take it away. */
    public final ScramSha256Mechanism scram;
    public TcpServer tcp;
    /** The features, or null when the node runs without them. */
    public PubSubEngine pubsub;
    public RpcEngine rpc;
    private TcpSettings tcpSettings;
    private final AtomicLong serviceIds = new AtomicLong(1000);

    private TestNode(NodeSettings settings, TcpSettings tcpSettings, Clock clock) throws Exception {
        this.dir = Files.createTempDirectory("aldis-node");
        this.store = new CredentialStore(dir.resolve("aldis-users.properties"), 4096, false);
        store.add(USER, PASSWORD.toCharArray(), Set.of("user"));
        this.node = new Node(settings, clock);
        this.scram = new ScramSha256Mechanism(store);
        node.addMechanism(scram);
        store.addRevocation(node); // as the service registry wires them in Karaf
        this.tcpSettings = tcpSettings;
        startListener();
    }

    public static TestNode start() throws Exception {
        return start(NodeSettings.defaults());
    }

    public static TestNode start(NodeSettings settings) throws Exception {
        return new TestNode(settings, TcpSettings.plain("test", 0), Clock.systemUTC());
    }

    /** A node whose throttle and tokens read this clock, so a test can decide what time it is. */
    public static TestNode start(NodeSettings settings, Clock clock) throws Exception {
        return new TestNode(settings, TcpSettings.plain("test", 0), clock);
    }

    public static TestNode start(NodeSettings settings, TcpSettings tcp) throws Exception {
        return new TestNode(settings, tcp, Clock.systemUTC());
    }

    /** A node with the pub/sub (messages and pubsub capabilities) and RPC features. */
    public static TestNode startWithFeatures(NodeSettings settings) throws Exception {
        TestNode n = new TestNode(settings, TcpSettings.plain("test", 0), Clock.systemUTC());
        n.pubsub = new PubSubEngine(PubSubSettings.defaults());
        n.node.addHandler(n.pubsub.pubSubFrames(), Map.of(FrameHandler.CAPABILITY, "pubsub"));
        n.node.addHandler(n.pubsub.messageFrames(), Map.of(FrameHandler.CAPABILITY, "messages"));
        n.rpc = new RpcEngine(RpcSettings.defaults(), () -> null);
        n.node.addHandler(n.rpc, Map.of(FrameHandler.CAPABILITY, "rpc"));
        return n;
    }

    /** Exports {@code service} over RPC as {@code name}, as the RPC component does for an OSGi service. */
    public void export(String name, Object service, Class<?>... interfaces) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(RpcConstants.SERVICE, name);
        properties.put("objectClass", Arrays.stream(interfaces).map(Class::getName).toArray(String[]::new));
        properties.put("service.id", serviceIds.incrementAndGet());
        rpc.addService(service, properties, "test.bundle");
    }

    public int port() {
        return tcp.port();
    }

    /** Stops the listener (its connections drop) but keeps the node. */
    public void stopListener() {
        tcp.stop();
    }

    /** Starts a listener again, on the port the last one had. */
    public void startListener() throws Exception {
        tcp = new TcpServer(tcpSettings, node);
        tcp.start();
        tcpSettings = new TcpSettings(tcpSettings.name(), tcpSettings.host(), tcp.port(), tcpSettings.maxConnections(),
                tcpSettings.maxFrameSize(), tcpSettings.ioThreads(), tcpSettings.spinMicros(), tcpSettings.tls());
    }

    public RawConnection raw() throws IOException {
        return new RawConnection(port());
    }

    /** A raw connection from another loopback address, such as 127.0.0.7. */
    RawConnection rawFrom(String localAddress) throws IOException {
        return new RawConnection(new Socket(InetAddress.getLoopbackAddress(), port(),
                InetAddress.getByName(localAddress), 0));
    }

    @Override
    public void close() throws IOException {
        tcp.stop();
        node.close();
        if (pubsub != null) {
            pubsub.close();
        }
        if (rpc != null) {
            rpc.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
