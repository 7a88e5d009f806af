package io.aldis.itest.ws;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.ScramSha256Mechanism;
import io.aldis.node.core.internal.Node;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.feature.pubsub.internal.PubSubEngine;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.transport.tcp.internal.TcpServer;
import io.aldis.transport.tcp.internal.TcpSettings;
import io.aldis.transport.ws.internal.WsServer;
import io.aldis.transport.ws.internal.WsSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A real node in this JVM with both transports: the core, SCRAM users in a temp directory, the
 * pub/sub feature, a loopback TCP listener and a loopback WebSocket listener, wired by hand the
 * way Karaf wires the same classes.
 */
final class WsTestNode implements AutoCloseable {
    static final String USER = "alice";
    static final String PASSWORD = "wonderland-42";

    final Path dir;
    final Node node;
    final PubSubEngine pubsub;
    final TcpServer tcp;
    final WsServer ws;

    private WsTestNode(WsSettings wsSettings, NodeSettings settings) throws Exception {
        dir = Files.createTempDirectory("aldis-ws-node");
        CredentialStore store = new CredentialStore(dir.resolve("aldis-users.properties"), 4096, false);
        store.add(USER, PASSWORD.toCharArray(), Set.of("user"));
        node = new Node(settings);
        node.addMechanism(new ScramSha256Mechanism(store));
        pubsub = new PubSubEngine(PubSubSettings.defaults());
        node.addHandler(pubsub.pubSubFrames(), Map.of(FrameHandler.CAPABILITY, "pubsub"));
        node.addHandler(pubsub.messageFrames(), Map.of(FrameHandler.CAPABILITY, "messages"));
        tcp = new TcpServer(TcpSettings.plain("tcp-test", 0), node);
        tcp.start();
        ws = new WsServer(wsSettings, node);
        ws.start();
    }

    /** A node whose WebSocket listener has the default settings on a free port. */
    static WsTestNode start() throws Exception {
        return new WsTestNode(WsSettings.plain("ws-test", 0), NodeSettings.defaults());
    }

    static WsTestNode start(WsSettings wsSettings) throws Exception {
        return new WsTestNode(wsSettings, NodeSettings.defaults());
    }

    static WsTestNode start(WsSettings wsSettings, NodeSettings settings) throws Exception {
        return new WsTestNode(wsSettings, settings);
    }

    int tcpPort() {
        return tcp.port();
    }

    int wsPort() {
        return ws.port();
    }

    URI wsUri() {
        return URI.create((ws.secure() ? "wss" : "ws") + "://127.0.0.1:" + ws.port() + ws.settings().path());
    }

    @Override
    public void close() throws IOException {
        node.close();
        ws.stop();
        tcp.stop();
        pubsub.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
