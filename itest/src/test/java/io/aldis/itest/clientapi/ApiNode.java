package io.aldis.itest.clientapi;

import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
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
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.transport.tcp.internal.TcpServer;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A node in this JVM with SCRAM users, a loopback TCP listener, and both the RPC and the pub/sub
 * features wired in by hand as Karaf wires them, for tests of the Java client's API. Clients made
 * here reconnect quickly and are closed with the node.
 */
final class ApiNode implements AutoCloseable {
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String PASSWORD = "client-api-31";

    final Path dir;
    final Node node;
    volatile RpcEngine rpc;
    volatile PubSubEngine pubsub;
    private final TcpServer tcp;
    private final List<AldisClient> clients = new ArrayList<>();
    private final AtomicLong serviceIds = new AtomicLong(5000);

    ApiNode() throws Exception {
        dir = Files.createTempDirectory("aldis-client-api");
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        store.add(ALICE, PASSWORD.toCharArray(), Set.of("user"));
        store.add(BOB, PASSWORD.toCharArray(), Set.of("user"));
        node = new Node(NodeSettings.defaults());
        node.addMechanism(new ScramSha256Mechanism(store));
        startRpc();
        startPubSub();
        tcp = new TcpServer(TcpSettings.plain("client-api-test", 0), node);
        tcp.start();
    }

    /** Starts a new instance of the RPC feature, as Karaf does when its bundle starts. */
    void startRpc() {
        rpc = new RpcEngine(RpcSettings.defaults(), () -> null);
        node.addHandler(rpc, Map.of(FrameHandler.CAPABILITY, "rpc"));
    }

    /** Stops the RPC feature as its bundle's stop does: the handler is withdrawn, then the engine stops. */
    void stopRpc() {
        node.removeHandler(rpc);
        rpc.close();
    }

    /** Starts a new instance of the pub/sub feature, as Karaf does when its bundle starts. */
    void startPubSub() {
        pubsub = new PubSubEngine(PubSubSettings.defaults());
        node.addHandler(pubsub.pubSubFrames(), Map.of(FrameHandler.CAPABILITY, "pubsub"));
        node.addHandler(pubsub.messageFrames(), Map.of(FrameHandler.CAPABILITY, "messages"));
    }

    /** Stops the pub/sub feature as its bundle's stop does: the handlers are withdrawn, then the engine stops. */
    void stopPubSub() {
        node.removeHandler(pubsub.pubSubFrames());
        node.removeHandler(pubsub.messageFrames());
        pubsub.close();
    }

    /** Exports {@code service} inside the node as {@code name}, with the methods of {@code api}. */
    Object export(String name, Object service, Class<?> api) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(RpcConstants.SERVICE, name);
        properties.put("objectClass", new String[] {api.getName()});
        properties.put("service.id", serviceIds.incrementAndGet());
        return rpc.addService(service, properties, "client-api.test");
    }

    /** A builder for {@code user} that reconnects after 50 ms, up to 20 times. */
    AldisClient.Builder builder(String user) {
        return AldisClient.builder()
                .address("127.0.0.1", tcp.port())
                .credentials(user, PASSWORD.toCharArray())
                .clientName("client-api-test")
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(200), 20));
    }

    /** A connected client of {@code user}. */
    AldisClient connect(String user) throws Exception {
        return connect(builder(user));
    }

    AldisClient connect(AldisClient.Builder builder) throws Exception {
        AldisClient client = builder.build();
        synchronized (clients) {
            clients.add(client);
        }
        client.connect().get(10, TimeUnit.SECONDS);
        return client;
    }

    /** Ends the node's session of {@code client} as an operator would, keeping its resume token valid. */
    void kill(AldisClient client) {
        Session session = node.find(client.session().sessionId()).orElseThrow();
        if (!node.kill(session.id(), false)) {
            throw new AssertionError("no session " + session.id());
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (clients) {
            for (AldisClient c : clients) {
                try {
                    c.close().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // the node goes next anyway
                }
            }
        }
        node.close();
        tcp.stop();
        rpc.close();
        pubsub.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
