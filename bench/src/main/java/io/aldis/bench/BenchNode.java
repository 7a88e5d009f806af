package io.aldis.bench;

import io.aldis.feature.auth.internal.CredentialStore;
import io.aldis.feature.cluster.internal.ClusterEngine;
import io.aldis.feature.cluster.internal.ClusterSettings;
import io.aldis.protocol.api.spi.transport.tls.TlsSettings;
import io.aldis.feature.auth.internal.ScramSha256Mechanism;
import io.aldis.node.core.internal.Node;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.feature.pubsub.internal.PubSubEngine;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.internal.RpcEngine;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.feature.filetransfer.internal.FileEvents;
import io.aldis.feature.filetransfer.internal.FilesEngine;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.feature.filetransfer.internal.store.LocalFileStore;
import io.aldis.feature.streaming.internal.StreamingEngine;
import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spin.SpinWindow;
import io.aldis.transport.ws.internal.WsServer;
import io.aldis.transport.ws.internal.WsSettings;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionStats;
import io.aldis.transport.tcp.internal.TcpServer;
import io.aldis.transport.tcp.internal.TcpSettings;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The node under test, run in a JVM of its own so that its heap and CPU time are not mixed with
 * the clients'. It wires the same classes Karaf runs (core, SCRAM against a credential store, one
 * plain TCP listener on loopback) and answers one-line commands on stdin:
 *
 * <ul>
 *   <li>{@code heap}: collects garbage several times, then prints
 *       {@code HEAP <heap used> <netty direct used> <resident set size> <heap used right after GC>}
 *       in bytes;</li>
 *   <li>{@code stats}: prints {@code STATS <open sessions> <process cpu ns> <frames in> <frames out>};</li>
 *   <li>{@code throttle}: prints {@code THROTTLE <attempts judged> <attempts refused unjudged>}, the
 *       authentication throttle's counters;</li>
 *   <li>{@code cluster}: prints {@code CLUSTER <members> <messages sent to other nodes> <received from them>},
 *       or {@code CLUSTER 0 0 0} when the node is in no cluster;</li>
 *   <li>{@code quit}: stops the listener and the node and exits.</li>
 * </ul>
 *
 * Arguments: heartbeat interval in ms, SCRAM iterations, user, password, and optionally a
 * comma-separated list of features to wire in as Karaf would: {@code pubsub} (the pub/sub engine
 * with its default settings, except room for 200 000 subscriptions per session), {@code rpc} (the
 * RPC engine with its default settings, {@link EchoService} exported as {@code echo} (and as
 * {@code echo-direct} and {@code echo-workers} with {@code aldis.rpc.direct} true and false) and
 * {@link StreamService} as {@code streams}), {@code streaming} (the streaming feature with its
 * default settings, which RPC then opens its streams on; with {@code servicesOnWorkers} also,
 * {@code publisherOnLoopMicros} is 0) and
 * {@code files} (the file-transfer feature with its default settings, storing in the node's temporary
 * directory, which it prints as {@code FILES <directory>} after the ports; {@code filesWindow=<chunks>}
 * changes its window), and
 * {@code cluster=<node name>/<member port>/<member>+<member>...[/<dataPath>[/<TLS directory>]]} (with {@code pubsub}: the cluster
 * feature as Karaf runs it, a Hazelcast member on loopback joined to the listed {@code host:port}
 * members and linked to pub/sub; given a directory made by {@link BenchCertificates}, its links run
 * inside TLS with the stores there), {@code anyAddress} (the TCP listener on every address instead of loopback only, so that clients
 * can spread over several loopback addresses), {@code ws} (a WebSocket listener on loopback with the default path and subprotocol, whose port
 * is printed as {@code WSPORT <port>} after {@code PORT <port>}); {@code productAuth} keeps the
 * product's auth timeout instead of a long one; and then optionally the RPC
 * setting {@code workerSpinMicros} and the listeners' {@code spinMicros} (by default those of the
 * product).
 */
public final class BenchNode {
    /** Held so the level stays: Hazelcast's log at INFO would bury the bench's output. */
    private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

    private BenchNode() {
    }

    public static void main(String[] args) throws Exception {
        int heartbeatMillis = Integer.parseInt(args[0]);
        int iterations = Integer.parseInt(args[1]);
        String user = args[2];
        String password = args[3];
        List<String> features = args.length > 4 && !args[4].isEmpty() ? Arrays.asList(args[4].split(",")) : List.of();
        int rpcWorkerSpinMicros = args.length > 5 ? Integer.parseInt(args[5]) : SpinWindow.DEFAULT_CAP_MICROS;
        int listenerSpinMicros = args.length > 6 ? Integer.parseInt(args[6]) : SpinWindow.DEFAULT_CAP_MICROS;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

        Path dir = Files.createTempDirectory("aldis-bench-node");
        CredentialStore store = new CredentialStore(dir.resolve("aldis-users.properties"), iterations, false);
        // Admin: the messaging benchmark subscribes with the block policy, which needs the permission.
        store.add(user, password.toCharArray(), Set.of("user", "admin"));
        // Long auth timeout: while thousands of sessions are opened the client side may queue.
        // The authentication bench needs the product's own timeout, which the throttle must respect.
        int authTimeout = features.contains("productAuth") ? NodeSettings.defaults().authTimeoutMillis() : 60_000;
        Node node = new Node(NodeSettings.defaults().withTimeouts(heartbeatMillis, authTimeout));
        node.addMechanism(new ScramSha256Mechanism(store));
        PubSubEngine pubsub = null;
        if (features.contains("pubsub")) {
            PubSubSettings defaults = PubSubSettings.defaults();
            pubsub = new PubSubEngine(defaults.withLimits(200_000, defaults.maxMessageBytes()));
            node.addHandler(pubsub.pubSubFrames(), Map.of(FrameHandler.CAPABILITY, "pubsub"));
            node.addHandler(pubsub.messageFrames(), Map.of(FrameHandler.CAPABILITY, "messages"));
        }
        ClusterEngine cluster = null;
        for (String feature : features) {
            if (feature.startsWith("cluster=") && pubsub != null) {
                cluster = startCluster(feature.substring("cluster=".length()));
                pubsub.remoteRoutes(cluster.link(pubsub.localRouting()));
            }
        }
                StreamingEngine streaming = null;
        if (features.contains("streaming")) {
            StreamingSettings settings = StreamingSettings.defaults();
            if (features.contains("servicesOnWorkers")) {
                settings = settings.withPublisherOnLoopMicros(0);
            }
            streaming = new StreamingEngine(settings, name -> null);
            node.addHandler(streaming.frames(), Map.of(FrameHandler.CAPABILITY, "streams"));
        }
        CallStreams callStreams = streaming == null ? null : streaming.callStreams();
        RpcEngine rpc = null;
        if (features.contains("rpc")) {
            rpc = new RpcEngine(RpcSettings.defaults().withWorkerSpinMicros(rpcWorkerSpinMicros), () -> null,
                    () -> callStreams);
            node.addHandler(rpc.frames(), Map.of(FrameHandler.CAPABILITY, "rpc"));
            rpc.addService(new EchoService.Impl(), Map.of(RpcConstants.SERVICE, "echo",
                    "objectClass", new String[] {EchoService.class.getName()}, "service.id", 1L), "aldis-bench");
            rpc.addService(new EchoService.Impl(), Map.of(RpcConstants.SERVICE, "echo-direct", RpcConstants.DIRECT, true,
                    "objectClass", new String[] {EchoService.class.getName()}, "service.id", 2L), "aldis-bench");
            rpc.addService(new StreamService.Impl(), Map.of(RpcConstants.SERVICE, "streams",
                    "objectClass", new String[] {StreamService.class.getName()}, "service.id", 3L), "aldis-bench");
            rpc.addService(new EchoService.Impl(), Map.of(RpcConstants.SERVICE, "echo-workers", RpcConstants.DIRECT,
                    false, "objectClass", new String[] {EchoService.class.getName()}, "service.id", 4L), "aldis-bench");
        }
        FilesEngine files = null;
        if (features.contains("files")) {
            Path root = Files.createDirectories(dir.resolve("files"));
            FilesSettings settings = FilesSettings.defaults(root.toString());
            for (String feature : features) {
                if (feature.startsWith("filesWindow=")) {
                    settings = settings.withWindow(Integer.parseInt(feature.substring("filesWindow=".length())));
                }
            }
            files = new FilesEngine(settings, new LocalFileStore(root), () -> null,
                    Clock.systemUTC(), FileEvents.NONE);
            node.addHandler(files.frames(), Map.of(FrameHandler.CAPABILITY, new String[] {"file_transfer", "lz4"}));
        }
        TcpSettings plain = TcpSettings.plain("bench", 0);
        String host = features.contains("anyAddress") ? "0.0.0.0" : plain.host();
        TcpServer tcp = new TcpServer(new TcpSettings(plain.name(), host, 0, 250_000, plain.maxFrameSize(),
                plain.ioThreads(), listenerSpinMicros, plain.tls()), node);
        tcp.start();
        out.println("PORT " + tcp.port());
        WsServer ws = null;
        if (features.contains("ws")) {
            ws = new WsServer(WsSettings.plain("bench-ws", 0).withSpinMicros(listenerSpinMicros), node);
            ws.start();
            out.println("WSPORT " + ws.port());
        }
        if (files != null) {
            out.println("FILES " + dir.resolve("files"));
        }

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "heap" -> {
                    long[] heap = heapAfterGc();
                    out.println("HEAP " + heap[0] + " " + nettyDirect() + " " + residentBytes() + " " + heap[1]);
                }
                case "stats" -> out.println(stats(node));
                case "throttle" -> out.println("THROTTLE " + node.throttleCounts().judged() + " "
                        + node.throttleCounts().refused());
                case "cluster" -> out.println(cluster == null ? "CLUSTER 0 0 0" : "CLUSTER " + cluster.members().size()
                        + " " + cluster.counts().sentTotal() + " " + cluster.counts().receivedTotal());
                case "quit" -> {
                    node.close();
                    tcp.stop();
                    if (ws != null) {
                        ws.stop();
                    }
                    if (cluster != null) {
                        cluster.close();
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
                    deleteTree(dir);
                    out.println("BYE");
                    System.exit(0);
                }
                default -> out.println("ERR unknown command " + line);
            }
        }
        System.exit(0);
    }

    /**
     * Starts a member of the bench's cluster from {@code <node name>/<member port>/<member>+<member>...[/<dataPath>[/<TLS directory>]]},
     * with links on any free port.
     */
    private static ClusterEngine startCluster(String spec) {
        // The TLS directory, last, is a path of its own: the split leaves its slashes in it.
        String[] parts = spec.split("/", 5);
        List<String> members = parts[2].isEmpty() ? List.of() : List.of(parts[2].split("\\+"));
        HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
        String dataPath = parts.length > 3 ? parts[3] : ClusterSettings.LINKS;
        TlsSettings tls = parts.length > 4 ? BenchCertificates.linkTls(Path.of(parts[4])) : TlsSettings.NONE;
        return ClusterEngine.start(new ClusterSettings("bench", "bench-cluster-secret", members, "127.0.0.1",
                Integer.parseInt(parts[1]), parts[0], ClusterSettings.DEFAULT_FAILURE_SECONDS, "", 0, dataPath, tls),
                () -> null);
    }

    /**
     * The heap used after garbage collection, the least of six readings: 150 ms after each
     * collection, and right after it. While a transfer runs, the first includes what it allocated
     * in those 150 ms (at 500 MB/s, up to 75 MB of chunks already garbage); the second is closer to
     * what the node holds.
     */
    static long[] heapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long later = Long.MAX_VALUE;
        long rightAfter = Long.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            System.gc();
            rightAfter = Math.min(rightAfter, memory.getHeapMemoryUsage().getUsed());
            Thread.sleep(150);
            later = Math.min(later, memory.getHeapMemoryUsage().getUsed());
        }
        return new long[] {later, rightAfter};
    }

    private static long nettyDirect() {
        long tracked = PlatformDependent.usedDirectMemory();
        long pooled = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        return Math.max(tracked, pooled);
    }

    private static long residentBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: report nothing
        }
        return -1;
    }

    private static String stats(Node node) {
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        long in = 0;
        long out = 0;
        int open = 0;
        for (Session s : node.sessions()) {
            SessionStats st = node.stats(s);
            in += st.framesIn();
            out += st.framesOut();
            open++;
        }
        return "STATS " + open + " " + cpu + " " + in + " " + out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
