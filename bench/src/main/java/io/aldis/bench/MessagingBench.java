package io.aldis.bench;

import io.aldis.feature.cluster.internal.ClusterSettings;
import io.aldis.protocol.api.spin.SpinWindow;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publish/subscribe and request/response of the node next to NATS, Redis, Mosquitto, RSocket and
 * gRPC, in one run with interleaved rounds. Run it through {@code bench/run-messaging.sh}, which
 * starts the peers' servers. Parts: {@code pubsub} (1→1, 1→10, 10→1), {@code match} (100 000
 * subscriptions), {@code rpc}, {@code ws} (1→1 over WebSocket), {@code all}; and, not part of
 * {@code all}, {@code cluster}: pub/sub 1→1 and 1→10 across a 3-node cluster, one for each of the
 * cluster's data paths, against a 3-server NATS cluster with routes ({@code bench/run-cluster.sh}
 * starts the NATS servers).
 */
public final class MessagingBench {
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("rounds", "5");            // measured rounds per workload and system
        OPTIONS.put("roundSeconds", "3");      // length of a round
        OPTIONS.put("warmupRounds", "2");      // unmeasured rounds first, interleaved too
        OPTIONS.put("size", "128");            // payload bytes
        OPTIONS.put("window", "8192");         // messages published but not yet received, at most, per subscriber
        OPTIONS.put("batch", "64");            // messages a publisher hands its client at once
        OPTIONS.put("inflight", "1,32,sync");  // calls in flight per request/response workload, comma-separated; sync: 1, from a thread that waits for each answer
        OPTIONS.put("rpcWarmupSeconds", "5");  // unmeasured calls per RPC system at 32 in flight before any round
        // the node's RPC setting, its listeners' spinMicros and the RPC clients' idleSpin; by default the products'
        OPTIONS.put("workerSpinMicros", Integer.toString(SpinWindow.DEFAULT_CAP_MICROS));
        OPTIONS.put("spinMicros", Integer.toString(SpinWindow.DEFAULT_CAP_MICROS));
        OPTIONS.put("clientSpinMicros", Integer.toString(SpinWindow.DEFAULT_CAP_MICROS));
        OPTIONS.put("matchSubs", "100000");    // subscriptions that match nothing, for the matching part
        OPTIONS.put("matchSubjects", "10000"); // distinct subjects published in the matching part
        OPTIONS.put("natsPort", "4222");
        OPTIONS.put("natsClusterPorts", "4322,4323,4324"); // client ports of the NATS cluster's three servers, for the cluster part
        OPTIONS.put("clusterHeap", "1g");      // heap of each node of the cluster part
        // the cluster part's clusters, one per dataPath setting, side by side (three node JVMs of clusterHeap each)
        OPTIONS.put("dataPaths", "links,hazelcast");
        // true: beside the cluster with links, one more whose links run inside TLS
        OPTIONS.put("linkTls", "false");
        OPTIONS.put("redisPort", "6379");
        OPTIONS.put("mqttPort", "1883");
        OPTIONS.put("rsocketClassPath", "");   // file holding the RSocket peer's class path; empty: no RSocket
        OPTIONS.put(BenchClients.CALLBACK_OPTION, ""); // µs a callback may hold a client's I/O thread; empty: the client's default
        OPTIONS.put("systems", "");            // comma-separated name prefixes to keep, compared by letters and digits only; empty: all
        OPTIONS.put(RunResults.OPTION, "");    // directory for the run's CSV files; empty: a new one under bench/target/results
    }

    private static final String USER = "bench";
    private static final char[] PASSWORD = "bench-password-1".toCharArray();

    private final Map<String, String> opts;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final StringBuilder summary = new StringBuilder();
    private final RunResults results;

    private MessagingBench(Map<String, String> opts) {
        this.opts = opts;
        this.results = RunResults.fromOption("messaging", opts.get(RunResults.OPTION));
    }

    private int i(String key) {
        return Integer.parseInt(opts.get(key));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(OPTIONS);
        List<String> parts = parseArguments(args, opts);
        if (parts.isEmpty() || parts.contains("all")) {
            parts = List.of("pubsub", "match", "rpc", "ws");
        }
        System.out.println("options " + opts + ", parts " + parts + ", load average "
                + String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage()));
        BenchClients.configure(opts);
        MessagingBench bench = new MessagingBench(opts);
        try (NodeProcess node = new NodeProcess(10_000, 4096, USER, new String(PASSWORD), "2g", "pubsub,rpc,ws",
                Integer.parseInt(opts.get("workerSpinMicros")), Integer.parseInt(opts.get("spinMicros")))) {
            for (String part : parts) {
                switch (part) {
                    case "pubsub" -> bench.pubsub(node);
                    case "match" -> bench.match(node);
                    case "rpc" -> bench.rpc(node);
                    case "ws" -> bench.ws(node);
                    case "cluster" -> bench.cluster();
                    default -> throw new IllegalArgumentException("unknown part " + part);
                }
            }
        } catch (Exception | Error e) {
            // The peers' clients leave non-daemon threads behind: without an exit, a failed run
            // would keep its JVM, and the script's servers, alive.
            e.printStackTrace();
            System.exit(1);
        } finally {
            bench.group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
        System.out.println();
        System.out.println("==== summary ====");
        System.out.print(bench.summary);
        System.out.println("results (CSV) are in " + bench.results.directory());
        System.exit(0);
    }

    /**
     * Reads {@code key=value} arguments into {@code opts}, which holds the defaults and so names
     * every option there is; the other arguments are the parts to run, returned in order.
     */
    static List<String> parseArguments(String[] args, Map<String, String> opts) {
        Map<String, String> defaults = new LinkedHashMap<>(opts);
        List<String> parts = new ArrayList<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                String key = a.substring(0, eq);
                if (!defaults.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option " + key + "; options: " + defaults.keySet());
                }
                opts.put(key, a.substring(eq + 1));
            } else if (!a.isBlank()) {
                parts.add(a);
            }
        }
        return parts;
    }

    // ---------------------------------------------------------------- publish/subscribe

    private List<PubSubSystems.System> pubSubSystems(NodeProcess node, boolean withWire) {
        List<PubSubSystems.System> all = new ArrayList<>();
        all.add(PubSubSystems.aldisClient(node.port(), USER, PASSWORD, group));
        if (withWire) {
            all.add(PubSubSystems.aldisWire(PubSubSystems.Wire.TCP, node.port(), USER, PASSWORD, group));
        }
        all.add(PubSubSystems.nats(i("natsPort")));
        all.add(PubSubSystems.redis(i("redisPort")));
        all.add(PubSubSystems.mqtt(i("mqttPort")));
        return keep(all, PubSubSystems.System::name);
    }

    private static String compact(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private <T> List<T> keep(List<T> all, java.util.function.Function<T, String> name) {
        return keep(opts.get("systems"), all, name);
    }

    /** The systems whose names start with one of {@code filter}'s comma-separated prefixes; all for an empty filter. */
    static <T> List<T> keep(String filter, List<T> all, java.util.function.Function<T, String> name) {
        if (filter.isBlank()) {
            return all;
        }
        List<T> kept = new ArrayList<>();
        for (T t : all) {
            for (String f : filter.split(",")) {
                // Spaces and commas cannot be passed in an option, so names and filters are
                // compared by their letters and digits only: "aldisrpcio" keeps "Aldis RPC, I/O-thread (...)".
                if (compact(name.apply(t)).startsWith(compact(f))) {
                    kept.add(t);
                    break;
                }
            }
        }
        return kept;
    }

    private void pubsub(NodeProcess node) throws Exception {
        List<PubSubSystems.System> systems = pubSubSystems(node, true);
        // The same clients against a node on Java's NIO, beside the node on the default transport.
        NodeProcess nioNode = !keep(List.of(PubSubSystems.ALDIS_NIO_NODE), n -> n).isEmpty()
                ? new NodeProcess(10_000, 4096, USER, new String(PASSWORD), "2g", "pubsub", i("workerSpinMicros"),
                        i("spinMicros"), "nio") : null;
        try {
            if (nioNode != null) {
                systems.add(1, PubSubSystems.aldisClient(nioNode.port(), USER, PASSWORD, group,
                        PubSubSystems.ALDIS_NIO_NODE));
            }
            String[] one = {"bench.x"};
            compare("pub/sub 1→1", systems, 1, 1, one, List.of("bench.x"));
            compare("pub/sub 1→10 fan-out", systems, 1, 10, one, List.of("bench.x"));
            compare("pub/sub 10→1 fan-in", systems, 10, 1, one, List.of("bench.x"));
        } finally {
            if (nioNode != null) {
                nioNode.close();
            }
        }
    }

    /**
     * Pub/sub across nodes: three nodes linked by the cluster feature, each in its own JVM, beside
     * the three servers of a NATS cluster. Publishers connect to the first node (server), subscribers
     * to the second and third in turn, so every message crosses between nodes.
     */
    private void cluster() throws Exception {
        List<String> paths = new ArrayList<>();
        for (String path : opts.get("dataPaths").split(",")) {
            if (!path.trim().equals(ClusterSettings.LINKS) && !path.trim().equals(ClusterSettings.HAZELCAST)) {
                throw new IllegalArgumentException("dataPaths takes links and hazelcast, comma-separated: " + path);
            }
            paths.add(path.trim());
        }
        List<String> variants = new ArrayList<>();
        for (String path : paths) {
            variants.add(path);
            if (path.equals(ClusterSettings.LINKS) && Boolean.parseBoolean(opts.get("linkTls"))) {
                variants.add(path + "/" + LINKS_WITH_TLS);
            }
        }
        List<NodeProcess> nodes = new ArrayList<>();
        List<String> pathOfNode = new ArrayList<>();
        Path tlsStores = variants.stream().anyMatch(v -> v.endsWith(LINKS_WITH_TLS)) ? BenchCertificates.create() : null;
        try {
            List<PubSubSystems.System> all = new ArrayList<>();
            for (String variant : variants) {
                boolean tls = variant.endsWith(LINKS_WITH_TLS);
                String path = tls ? ClusterSettings.LINKS : variant;
                List<NodeProcess> cluster = startCluster(path, tls ? tlsStores : null);
                nodes.addAll(cluster);
                cluster.forEach(n -> pathOfNode.add(tls ? "links with TLS" : path));
                String name = "Aldis cluster, " + (tls ? "links with TLS" : path.equals(ClusterSettings.LINKS) ? "links"
                        : "Hazelcast topics");
                all.add(PubSubSystems.acrossNodes(name + " (AldisClient)",
                        PubSubSystems.aldisClient(cluster.get(0).port(), USER, PASSWORD, group),
                        List.of(PubSubSystems.aldisClient(cluster.get(1).port(), USER, PASSWORD, group),
                                PubSubSystems.aldisClient(cluster.get(2).port(), USER, PASSWORD, group))));
                all.add(PubSubSystems.acrossNodes(name + " (wire client)",
                        PubSubSystems.aldisWire(PubSubSystems.Wire.TCP, cluster.get(0).port(), USER, PASSWORD, group),
                        List.of(PubSubSystems.aldisWire(PubSubSystems.Wire.TCP, cluster.get(1).port(), USER, PASSWORD, group),
                                PubSubSystems.aldisWire(PubSubSystems.Wire.TCP, cluster.get(2).port(), USER, PASSWORD, group))));
            }
            int[] nats = Arrays.stream(opts.get("natsClusterPorts").split(",")).mapToInt(Integer::parseInt).toArray();
            all.add(PubSubSystems.acrossNodes("NATS cluster (jnats)", PubSubSystems.nats(nats[0]),
                    List.of(PubSubSystems.nats(nats[1]), PubSubSystems.nats(nats[2]))));
            List<PubSubSystems.System> systems = keep(all, PubSubSystems.System::name);
            String[] one = {"bench.x"};
            compare("cluster pub/sub 1→1, publisher on node 1, subscriber on node 2", systems, 1, 1, one,
                    List.of("bench.x"));
            compare("cluster pub/sub 1→10, publisher on node 1, subscribers on nodes 2 and 3", systems, 1, 10, one,
                    List.of("bench.x"));
            for (int k = 0; k < nodes.size(); k++) {
                long[] c = nodes.get(k).cluster();
                summary.append(String.format(Locale.ROOT, "  node%d (%s): %d members, %,d messages sent to other nodes, %,d received%n",
                        k % 3 + 1, pathOfNode.get(k), c[0], c[1], c[2]));
            }
        } finally {
            for (NodeProcess n : nodes) {
                n.close();
            }
            if (tlsStores != null) {
                BenchCertificates.delete(tlsStores);
            }
        }
    }

    /** The variant of {@code dataPaths} that {@code linkTls=true} adds beside {@code links}. */
    private static final String LINKS_WITH_TLS = "tls";

    /**
     * Starts three nodes linked by the cluster feature, each in its own JVM, sending to each other
     * as {@code dataPath} says, with TLS on their links when given the directory of
     * {@link BenchCertificates}' stores, and returns once each sees the three.
     */
    private List<NodeProcess> startCluster(String dataPath, Path tlsStores) throws Exception {
        int[] memberPorts = freePorts(3);
        List<NodeProcess> nodes = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            List<String> others = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                if (j != k) {
                    others.add("127.0.0.1:" + memberPorts[j]);
                }
            }
            nodes.add(new NodeProcess(10_000, 4096, USER, new String(PASSWORD), opts.get("clusterHeap"),
                    "pubsub,cluster=node" + (k + 1) + "/" + memberPorts[k] + "/" + String.join("+", others) + "/" + dataPath
                            + (tlsStores == null ? "" : "/" + tlsStores.toAbsolutePath()),
                    i("workerSpinMicros"), i("spinMicros")));
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (NodeProcess n : nodes) {
            while (n.cluster()[0] < 3) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the three nodes did not form one cluster within 2 minutes");
                }
                Thread.sleep(200);
            }
        }
        return nodes;
    }

    private static int[] freePorts(int n) throws java.io.IOException {
        int[] ports = new int[n];
        List<java.net.ServerSocket> held = new ArrayList<>();
        try {
            for (int k = 0; k < n; k++) {
                java.net.ServerSocket s = new java.net.ServerSocket(0);
                held.add(s);
                ports[k] = s.getLocalPort();
            }
        } finally {
            for (java.net.ServerSocket s : held) {
                s.close();
            }
        }
        return ports;
    }

    private void ws(NodeProcess node) throws Exception {
        List<PubSubSystems.System> systems = keep(List.of(
                PubSubSystems.aldisWire(PubSubSystems.Wire.TCP, node.port(), USER, PASSWORD, group),
                PubSubSystems.aldisWire(PubSubSystems.Wire.WEBSOCKET, node.wsPort(), USER, PASSWORD, group),
                PubSubSystems.aldisWire(PubSubSystems.Wire.WEBSOCKET_ONE_FRAME, node.wsPort(), USER, PASSWORD, group),
                PubSubSystems.aldisClient(node.port(), USER, PASSWORD, group),
                PubSubSystems.nats(i("natsPort"))), PubSubSystems.System::name);
        compare("pub/sub 1→1, TCP and WebSocket", systems, 1, 1, new String[] {"bench.ws"}, List.of("bench.ws"));
    }

    /**
     * Subject matching: a subscriber on {@code match.*} receives messages published on
     * {@code matchSubjects} distinct subjects in turn, first alone, then with {@code matchSubs}
     * subscriptions on other subjects of the same shape ({@code match.f<n>}, matching nothing
     * published) held by one more connection.
     */
    private void match(NodeProcess node) throws Exception {
        List<PubSubSystems.System> systems = pubSubSystems(node, false);
        String[] subjects = new String[i("matchSubjects")];
        for (int k = 0; k < subjects.length; k++) {
            subjects[k] = "match." + k;
        }
        List<Workload> alone = new ArrayList<>();
        for (int k = 0; k < systems.size(); k++) {
            alone.add(new Workload(systems.get(k), k, 1, 1, subjects, List.of("match.*")));
        }
        run("matching, " + subjects.length + " subjects, no other subscription", alone);
        List<String> fillers = new ArrayList<>();
        for (int k = 0; k < i("matchSubs"); k++) {
            fillers.add("match.f" + k);
        }
        List<AutoCloseable> fillerConnections = new ArrayList<>();
        for (PubSubSystems.System s : systems) {
            long t0 = System.nanoTime();
            fillerConnections.add(s.subscriber(fillers, new AtomicLong()));
            System.out.printf(Locale.ROOT, "%s: %d subscriptions made in %.1f s%n", s.name(), fillers.size(),
                    (System.nanoTime() - t0) / 1e9);
        }
        run("matching, " + subjects.length + " subjects, with " + fillers.size() + " other subscriptions", alone);
        for (AutoCloseable c : fillerConnections) {
            c.close();
        }
        for (Workload w : alone) {
            w.close();
        }
    }

    private void compare(String title, List<PubSubSystems.System> systems, int publishers, int subscribers,
            String[] subjects, List<String> patterns) throws Exception {
        List<Workload> workloads = new ArrayList<>();
        for (int k = 0; k < systems.size(); k++) {
            workloads.add(new Workload(systems.get(k), k, publishers, subscribers, subjects, patterns));
        }
        run(title, workloads);
        for (Workload w : workloads) {
            w.close();
        }
    }

    /** Interleaved rounds: warm-up rounds, then measured ones, each visiting every system in turn. */
    private void run(String title, List<Workload> workloads) throws Exception {
        System.out.println();
        System.out.println("== " + title + " ==");
        double seconds = Double.parseDouble(opts.get("roundSeconds"));
        Map<Workload, List<Double>> rates = new LinkedHashMap<>();
        int warm = i("warmupRounds");
        int rounds = i("rounds");
        for (int r = 0; r < warm + rounds; r++) {
            for (Workload w : workloads) {
                double rate = w.round(seconds, i("window"), i("batch"), PubSubSystems.payload(i("size")));
                System.out.printf(Locale.ROOT, "%s round %d %-32s %,12.0f msg/s delivered  (client JVM direct memory %,d KiB)%n",
                        r < warm ? "warm-up" : "measured", r + 1, w.system.name(), rate, directMemoryKib());
                if (r >= warm) {
                    rates.computeIfAbsent(w, k -> new ArrayList<>()).add(rate);
                    results.round(title, w.system.name(), r - warm + 1, new RunResults.Figure("throughput", "msg/s", rate));
                }
            }
        }
        summary.append("\n").append(title).append(" (delivered msg/s; median, min–max of ").append(rounds)
                .append(" rounds)\n");
        double reference = median(rates.get(workloads.get(0)));
        for (Workload w : workloads) {
            List<Double> v = rates.get(w);
            double m = median(v);
            summary.append(String.format(Locale.ROOT, "  %-34s %,12.0f  (%,.0f–%,.0f)  first/this %.2f×%n",
                    w.system.name(), m, v.stream().mapToDouble(d -> d).min().orElse(0),
                    v.stream().mapToDouble(d -> d).max().orElse(0), reference / m));
        }
        System.out.print(summary.substring(summary.lastIndexOf(title)));
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(d -> d).toArray();
        Arrays.sort(v);
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * Publishers and subscribers of one system for one workload. Publishers stop handing messages
     * to their client while the slowest subscriber is more than {@code window} messages behind, so
     * no system is pushed into its slow-consumer handling and the rate is what flows end to end.
     */
    private static final class Workload implements AutoCloseable {
        final PubSubSystems.System system;
        final String[] subjects;
        final List<PubSubSystems.Publisher> publishers = new ArrayList<>();
        final List<AutoCloseable> subscribers = new ArrayList<>();
        final List<AtomicLong> received = new ArrayList<>();
        /** Per subscriber, messages given up as lost after a round (never expected any more). */
        final long[] lost;
        final AtomicLong sent = new AtomicLong();

        /**
         * Subjects and patterns get a prefix of their own per system ({@code index}): the Aldis
         * systems share one node, and a subscriber that also counted another system's messages
         * would open its publishers' window by that much, letting them queue without bound.
         */
        Workload(PubSubSystems.System system, int index, int publishers, int subscribers, String[] subjects,
                List<String> patterns) throws Exception {
            this.system = system;
            String prefix = "s" + index + ".";
            this.subjects = Arrays.stream(subjects).map(x -> prefix + x).toArray(String[]::new);
            List<String> own = patterns.stream().map(x -> prefix + x).toList();
            for (int k = 0; k < subscribers; k++) {
                AtomicLong counter = new AtomicLong();
                received.add(counter);
                this.subscribers.add(system.subscriber(own, counter));
            }
            for (int k = 0; k < publishers; k++) {
                this.publishers.add(system.publisher());
            }
            lost = new long[subscribers];
            Thread.sleep(200);
        }

        long slowest() {
            long min = Long.MAX_VALUE;
            for (int k = 0; k < received.size(); k++) {
                min = Math.min(min, received.get(k).get() + lost[k]);
            }
            return min;
        }

        long total() {
            long n = 0;
            for (AtomicLong r : received) {
                n += r.get();
            }
            return n;
        }

        double round(double seconds, int window, int batch, byte[] payload) throws Exception {
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = new ArrayList<>();
            long[] failures = new long[1];
            for (PubSubSystems.Publisher p : publishers) {
                Thread t = new Thread(() -> {
                    long seq = 0;
                    try {
                        while (running.get()) {
                            while (sent.get() - slowest() > window && running.get()) {
                                // Parked, not spinning: the 2 cores are shared with the subscribers and servers.
                                java.util.concurrent.locks.LockSupport.parkNanos(50_000);
                            }
                            p.publish(subjects, seq, payload, batch);
                            seq += batch;
                            sent.addAndGet(batch);
                        }
                    } catch (Exception e) {
                        failures[0]++;
                        System.out.println("publisher failed: " + e);
                    }
                }, "publisher");
                t.start();
                threads.add(t);
            }
            Thread.sleep(250);
            long r0 = total();
            long t0 = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long r1 = total();
            long t1 = System.nanoTime();
            running.set(false);
            for (Thread t : threads) {
                t.join();
            }
            // Drain: let every subscriber catch up before the next system runs.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (slowest() < sent.get() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            for (int k = 0; k < received.size(); k++) {
                long missing = sent.get() - received.get(k).get() - lost[k];
                if (missing > 0) {
                    System.out.println(system.name() + ": subscriber " + k + " still misses " + missing
                            + " messages 10 s after the round; counted as lost");
                    lost[k] += missing;
                }
            }
            return (r1 - r0) / ((t1 - t0) / 1e9);
        }

        @Override
        public void close() throws Exception {
            for (PubSubSystems.Publisher p : publishers) {
                p.close();
            }
            for (AutoCloseable s : subscribers) {
                s.close();
            }
        }
    }

    /** Direct memory held by this JVM's buffers: a figure that keeps growing across rounds is a leak. */
    private static long directMemoryKib() {
        for (java.lang.management.BufferPoolMXBean pool
                : java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool.getMemoryUsed() / 1024;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- request/response

    private void rpc(NodeProcess node) throws Exception {
        int size = i("size");
        List<RpcSystems.System> systems = new ArrayList<>();
        ChildJvm grpcServer = new ChildJvm(NodeProcess.classPathCopy(), GrpcEcho.class.getName());
        int grpcPort = Integer.parseInt(grpcServer.expect("GRPC")[1]);
        Duration clientSpin = Duration.ofNanos(1000L * i("clientSpinMicros"));
        systems.add(RpcSystems.aldis(node.port(), USER, PASSWORD, clientSpin, size, false));
        systems.add(RpcSystems.aldisOnWorkers(node.port(), USER, PASSWORD, clientSpin, size));
        systems.add(RpcSystems.aldis(node.port(), USER, PASSWORD, clientSpin, size, true));
        NodeProcess nioNode = !keep(List.of(RpcSystems.ALDIS_NIO), n -> n).isEmpty() ? new NodeProcess(10_000, 4096, USER,
                new String(PASSWORD), "2g", "rpc", i("workerSpinMicros"), i("spinMicros"), "nio") : null;
        if (nioNode != null) {
            systems.add(RpcSystems.aldisOnNio(nioNode.port(), USER, PASSWORD, clientSpin, size));
        }
        String rsocketCp = opts.get("rsocketClassPath");
        if (!rsocketCp.isBlank()) {
            systems.add(RpcSystems.rsocket(Files.readString(Path.of(rsocketCp)).replaceAll("\\s+", ""), size));
        }
        systems.add(RpcSystems.grpc(grpcPort, size));
        systems.add(RpcSystems.nats(i("natsPort"), size));
        systems = keep(systems, RpcSystems.System::name);
        try {
            // Every system first gets calls at 32 in flight for a while, unmeasured: at 1 in flight
            // the warm-up rounds are too few calls for the JIT of a server in a fresh JVM (gRPC's
            // and RSocket's run in JVMs of their own), and the first rounds would measure that.
            double warmSeconds = Double.parseDouble(opts.get("rpcWarmupSeconds"));
            if (warmSeconds > 0) {
                for (RpcSystems.System s : systems) {
                    RpcSystems.Result res = s.round(32, warmSeconds);
                    System.out.printf(Locale.ROOT, "JIT warm-up %-50s %,10.0f calls/s at 32 in flight%n", s.name(),
                            res.rate());
                }
            }
            for (String inflight : opts.get("inflight").split(",")) {
                String n = inflight.trim();
                if (n.equals("sync")) {
                    rpcRounds("request/response, 1 in flight, a caller that waits for each answer", systems, 0);
                } else {
                    rpcRounds("request/response, " + n + " in flight", systems, Integer.parseInt(n));
                }
            }
        } finally {
            for (RpcSystems.System s : systems) {
                s.close();
            }
            grpcServer.close();
            if (nioNode != null) {
                nioNode.close();
            }
        }
    }

    private void rpcRounds(String title, List<RpcSystems.System> systems, int inflight) throws Exception {
        System.out.println();
        System.out.println("== " + title + " ==");
        double seconds = Double.parseDouble(opts.get("roundSeconds"));
        Map<RpcSystems.System, List<RpcSystems.Result>> results = new LinkedHashMap<>();
        int warm = i("warmupRounds");
        for (int r = 0; r < warm + i("rounds"); r++) {
            for (RpcSystems.System s : systems) {
                RpcSystems.Result res = inflight == 0 ? s.blockingRound(seconds) : s.round(inflight, seconds);
                System.out.printf(Locale.ROOT, "%s round %d %-50s %,10.0f calls/s  p50 %7.1f µs  p99 %8.1f µs%n",
                        r < warm ? "warm-up" : "measured", r + 1, s.name(), res.rate(), res.p50(), res.p99());
                if (r >= warm) {
                    results.computeIfAbsent(s, k -> new ArrayList<>()).add(res);
                    this.results.round(title, s.name(), r - warm + 1, res.figures());
                }
            }
        }
        summary.append("\n").append(title).append(" (medians of ").append(i("rounds")).append(" rounds)\n");
        double reference = median(results.get(systems.get(0)).stream().map(RpcSystems.Result::rate).toList());
        for (RpcSystems.System s : systems) {
            List<RpcSystems.Result> v = results.get(s);
            double rate = median(v.stream().map(RpcSystems.Result::rate).toList());
            summary.append(String.format(Locale.ROOT,
                    "  %-50s %,10.0f calls/s (%,.0f–%,.0f)  p50 %7.1f µs  p99 %8.1f µs  first/this %.2f×%n",
                    s.name(), rate, v.stream().mapToDouble(RpcSystems.Result::rate).min().orElse(0),
                    v.stream().mapToDouble(RpcSystems.Result::rate).max().orElse(0),
                    median(v.stream().map(RpcSystems.Result::p50).toList()),
                    median(v.stream().map(RpcSystems.Result::p99).toList()), reference / rate));
        }
        System.out.print(summary.substring(summary.lastIndexOf(title)));
    }
}
