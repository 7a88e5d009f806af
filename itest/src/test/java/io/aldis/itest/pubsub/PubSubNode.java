package io.aldis.itest.pubsub;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.ScramSha256Mechanism;
import io.aldis.node.core.internal.Node;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.feature.pubsub.internal.PubSubEngine;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.transport.tcp.internal.TcpServer;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An in-process node with the pub/sub feature wired in by hand, as Karaf would wire it: the core,
 * SCRAM users in a temp directory, a loopback TCP listener, and the engine's two frame handlers.
 * Users: {@code alice} and {@code bob} (role user), {@code root} (role admin).
 */
final class PubSubNode implements AutoCloseable {
    static final String PASSWORD = "subject-trie-7";

    final Path dir;
    final Node node;
    final PubSubEngine engine;
    private final TcpServer tcp;

    private PubSubNode(PubSubSettings settings) throws Exception {
        dir = Files.createTempDirectory("aldis-pubsub");
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        store.add("alice", PASSWORD.toCharArray(), Set.of("user"));
        store.add("bob", PASSWORD.toCharArray(), Set.of("user"));
        store.add("root", PASSWORD.toCharArray(), Set.of("admin"));
        node = new Node(NodeSettings.defaults());
        node.addMechanism(new ScramSha256Mechanism(store));
        engine = new PubSubEngine(settings);
        node.addHandler(engine.pubSubFrames(), Map.of(FrameHandler.CAPABILITY, "pubsub"));
        node.addHandler(engine.messageFrames(), Map.of(FrameHandler.CAPABILITY, "messages"));
        tcp = new TcpServer(TcpSettings.plain("pubsub-test", 0), node);
        tcp.start();
    }

    static PubSubNode start() throws Exception {
        return new PubSubNode(PubSubSettings.defaults());
    }

    static PubSubNode start(PubSubSettings settings) throws Exception {
        return new PubSubNode(settings);
    }

    int port() {
        return tcp.port();
    }

    /** A connected, authenticated client. */
    Client login(String user) throws Exception {
        Client c = new Client(port(), 0);
        c.login(user, PASSWORD);
        return c;
    }

    /** A connected, authenticated client whose socket has a small receive buffer, to play a slow reader. */
    Client loginSlow(String user, int receiveBuffer) throws Exception {
        Client c = new Client(port(), receiveBuffer);
        c.login(user, PASSWORD);
        return c;
    }

    @Override
    public void close() throws IOException {
        // The node first: closing it after the listener's event loops are gone can meet a session
        // that is not unregistered yet, whose close is then rejected by its terminated loop.
        node.close();
        tcp.stop();
        engine.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
