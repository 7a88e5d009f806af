package io.aldis.itest.node;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.ScramSha256Mechanism;
import io.aldis.node.core.internal.Node;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.transport.tcp.internal.TcpServer;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real node in this JVM: the core, SCRAM authentication against a credential store in a temp
 * directory, and a TCP listener on a free loopback port; the same classes Karaf runs, wired by hand.
 */
final class TestNode implements AutoCloseable {
    static final String USER = "alice";
    static final String PASSWORD = "wonderland-42";

    final Path dir;
    final CredentialStore store;
    final Node node;
    TcpServer tcp;
    private TcpSettings tcpSettings;

    private TestNode(NodeSettings settings, TcpSettings tcpSettings, Clock clock) throws Exception {
        this.dir = Files.createTempDirectory("aldis-node");
        this.store = new CredentialStore(dir.resolve("aldis-users.properties"), 4096, false);
        store.add(USER, PASSWORD.toCharArray(), Set.of("user"));
        this.node = new Node(settings, clock);
        node.addMechanism(new ScramSha256Mechanism(store));
        store.addRevocation(node); // as the service registry wires them in Karaf
        this.tcpSettings = tcpSettings;
        startListener();
    }

    static TestNode start() throws Exception {
        return start(NodeSettings.defaults());
    }

    static TestNode start(NodeSettings settings) throws Exception {
        return new TestNode(settings, TcpSettings.plain("test", 0), Clock.systemUTC());
    }

    /** A node whose throttle and tokens read this clock, so a test can decide what time it is. */
    static TestNode start(NodeSettings settings, Clock clock) throws Exception {
        return new TestNode(settings, TcpSettings.plain("test", 0), clock);
    }

    static TestNode start(NodeSettings settings, TcpSettings tcp) throws Exception {
        return new TestNode(settings, tcp, Clock.systemUTC());
    }

    int port() {
        return tcp.port();
    }

    /** Stops the listener (its connections drop) but keeps the node. */
    void stopListener() {
        tcp.stop();
    }

    /** Starts a listener again, on the port the last one had. */
    void startListener() throws Exception {
        tcp = new TcpServer(tcpSettings, node);
        tcp.start();
        tcpSettings = new TcpSettings(tcpSettings.name(), tcpSettings.host(), tcp.port(), tcpSettings.maxConnections(),
                tcpSettings.maxFrameSize(), tcpSettings.ioThreads(), tcpSettings.spinMicros(), tcpSettings.tls());
    }

    RawConnection raw() throws IOException {
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
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
