package io.aldis.itest.browser;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A node in this JVM wired as the distribution wires it for the demo room: SCRAM users, the
 * pub/sub feature, a loopback TCP listener and a loopback WebSocket listener that also serves the
 * demo page, both on free ports.
 */
final class DemoNode implements AutoCloseable {
    private final Path dir;
    private final Node node;
    private final PubSubEngine pubsub;
    private final TcpServer tcp;
    private final WsServer ws;

    /** Starts the node with {@code users}, each a user name and its password, in the role {@code user}. */
    DemoNode(Map<String, String> users) throws Exception {
        dir = Files.createTempDirectory("aldis-demo-node");
        CredentialStore store = new CredentialStore(dir.resolve("aldis-users.properties"), 4096, false);
        users.forEach((user, password) -> store.add(user, password.toCharArray(), Set.of("user")));
        node = new Node(NodeSettings.defaults());
        node.addMechanism(new ScramSha256Mechanism(store));
        pubsub = new PubSubEngine(PubSubSettings.defaults());
        node.addHandler(pubsub.pubSubFrames(), Map.of(FrameHandler.CAPABILITY, "pubsub"));
        node.addHandler(pubsub.messageFrames(), Map.of(FrameHandler.CAPABILITY, "messages"));
        tcp = new TcpServer(TcpSettings.plain("demo-tcp", 0), node);
        tcp.start();
        ws = new WsServer(WsSettings.plain("demo-ws", 0).withDemo(true), node);
        ws.start();
    }

    int tcpPort() {
        return tcp.port();
    }

    /** Where a browser opens the demo page. */
    String pageUrl() {
        return "http://127.0.0.1:" + ws.port() + "/";
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
