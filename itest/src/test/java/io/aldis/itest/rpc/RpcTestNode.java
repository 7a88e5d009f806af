package io.aldis.itest.rpc;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.auth.internal.ScramSha256Mechanism;
import io.aldis.node.core.internal.Node;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.internal.RpcEngine;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.transport.tcp.internal.TcpServer;
import io.aldis.transport.tcp.internal.TcpSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A node in this JVM with SCRAM users, a loopback TCP listener and the RPC feature, wired by hand
 * from the classes Karaf runs. Services are exported the way the component does it for OSGi
 * services: an object plus its service properties.
 */
final class RpcTestNode implements AutoCloseable {
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String PASSWORD = "wonderland-42";

    final Path dir;
    final Node node;
    final RpcEngine rpc;
    final TcpServer tcp;
    /** The authorizer the feature asks; null means {@link Authorizer#DEFAULT}, as with no ACL installed. */
    volatile Authorizer authorizer;
    private final AtomicLong serviceIds = new AtomicLong(1000);

    RpcTestNode(RpcSettings settings) throws Exception {
        dir = Files.createTempDirectory("aldis-rpc");
        CredentialStore store = new CredentialStore(dir.resolve("users.properties"), 4096, false);
        store.add(ALICE, PASSWORD.toCharArray(), Set.of("user"));
        store.add(BOB, PASSWORD.toCharArray(), Set.of("user"));
        node = new Node(NodeSettings.defaults());
        node.addMechanism(new ScramSha256Mechanism(store));
        rpc = new RpcEngine(settings, () -> authorizer);
        node.addHandler(rpc.frames(), Map.of(FrameHandler.CAPABILITY, "rpc"));
        tcp = new TcpServer(TcpSettings.plain("rpc-test", 0), node);
        tcp.start();
    }

    RpcTestNode() throws Exception {
        this(RpcSettings.defaults());
    }

    /** Exports {@code service} as {@code name} under the given interfaces, with extra service properties. */
    Object export(String name, Object service, Map<String, ?> extra, Class<?>... interfaces) {
        Map<String, Object> properties = new HashMap<>(extra);
        properties.put(RpcConstants.SERVICE, name);
        properties.put("objectClass", Arrays.stream(interfaces).map(Class::getName).toArray(String[]::new));
        properties.put("service.id", serviceIds.incrementAndGet());
        return rpc.addService(service, properties, "test.bundle");
    }

    Object export(String name, Object service, Class<?>... interfaces) {
        return export(name, service, Map.of(), interfaces);
    }

    /** A connected client authenticated as {@code user}. */
    Wire login(String user) throws Exception {
        Wire wire = new Wire(tcp.port());
        wire.connect();
        wire.scram(user, PASSWORD);
        return wire;
    }

    @Override
    public void close() throws IOException {
        // The node first, while the listener's event loops can still run its session closes.
        node.close();
        tcp.stop();
        rpc.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
