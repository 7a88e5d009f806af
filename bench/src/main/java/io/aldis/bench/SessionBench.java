package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.ClientState;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.spin.SpinWindow;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Session benchmarks of protocol v1 (issue 2, section 8), against a node in a child JVM:
 *
 * <ul>
 *   <li>{@code rate}: new authenticated sessions per second (connect, CONNECT, SCRAM-SHA-256 or
 *       resume token, CLOSE / CLOSE_ACK) with a few concurrent connectors;</li>
 *   <li>{@code heap}: node heap held by N idle authenticated sessions, and the node's CPU with
 *       them idle at the default 10 s heartbeat;</li>
 *   <li>{@code heartbeat}: the node's CPU with N sessions at a 1 s heartbeat.</li>
 *   <li>{@code partial}: node memory held by N connections that never authenticate, each having
 *       sent a length prefix and part of a frame's body (a hostile client's cheapest way to make
 *       the node reserve memory); with {@code partialTransport=ws} the same over WebSocket: an
 *       upgrade, then a binary message's header announcing the length and part of its payload. With
 *       {@code partialPrefix=0} they send nothing at all: idle unauthenticated connections.</li>
 * </ul>
 *
 * Arguments: any of {@code rate heap heartbeat} (or {@code all}, the default), then
 * {@code key=value} options; see {@link #OPTIONS}. Prints results as it goes and a summary at the
 * end. Nothing here asserts a speed.
 */
public final class SessionBench {
    static final String USER = "bench";
    static final String PASSWORD = "bench-password-not-a-secret";
    static final String HOST = "127.0.0.1";

    /** Options and their defaults. */
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("sessions", "10000");       // idle sessions for heap and heartbeat
        OPTIONS.put("connectors", "4");         // concurrent connectors for the rate test
        OPTIONS.put("rounds", "5");             // measured rounds per rate variant (median reported)
        OPTIONS.put("roundSeconds", "5");       // length of one rate round
        OPTIONS.put("warmupSeconds", "5");      // warm-up per rate variant
        OPTIONS.put("iterations", "4096");      // SCRAM iterations of the bench user
        OPTIONS.put("windows", "3");            // CPU windows with idle sessions (median reported)
        OPTIONS.put("windowSeconds", "20");     // length of one CPU window
        OPTIONS.put("fastHeartbeatMillis", "1000");
        OPTIONS.put("clientThreads", "2");      // the shared client event loop group
        OPTIONS.put("openInFlight", "8");       // sessions being opened at once while filling the node
        OPTIONS.put("nodeHeap", "2g");          // -Xmx of the node JVM
        // Loopback addresses the idle sessions connect to in turn: each gives its own ~28 000 client ports.
        // Other than 127.0.0.1 alone, the node listens on every address for the run.
        OPTIONS.put("hosts", HOST);
        OPTIONS.put("spinMicros", Integer.toString(SpinWindow.DEFAULT_CAP_MICROS)); // the node listener's setting
        OPTIONS.put("partialSockets", "1000");  // unauthenticated connections for the partial-frame test
        OPTIONS.put("partialPrefix", "1048576"); // the frame length each of them announces; 0: send nothing (idle)
        OPTIONS.put("partialBytes", "524288");  // how much of that frame each of them sends
        OPTIONS.put("partialTransport", "tcp"); // tcp: a length prefix; ws: a WebSocket frame header after the upgrade
        OPTIONS.put(RunResults.OPTION, "");     // directory for the run's CSV files; empty: a new one under bench/target/results
    }

    private final Map<String, String> opts;
    private final EventLoopGroup group;
    private final List<String> summary = new ArrayList<>();
    private long sessionsRun;
    private final Map<String, LongAdder> lossReasons = new java.util.concurrent.ConcurrentHashMap<>();
    private final RunResults results;

    private SessionBench(Map<String, String> opts) {
        this.opts = opts;
        this.results = RunResults.fromOption("sessions", opts.get(RunResults.OPTION));
        this.group = new MultiThreadIoEventLoopGroup(intOpt("clientThreads"),
                new DefaultThreadFactory("bench-client", true), NioIoHandler.newFactory());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(OPTIONS);
        List<String> parts = new ArrayList<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                String key = a.substring(0, eq);
                if (!OPTIONS.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option " + key + "; known: " + OPTIONS.keySet());
                }
                opts.put(key, a.substring(eq + 1));
            } else if (!a.isBlank()) {
                parts.add(a);
            }
        }
        if (parts.isEmpty() || parts.contains("all")) {
            parts = List.of("rate", "heap", "heartbeat");
        }
        SessionBench bench = new SessionBench(opts);
        bench.describe();
        for (String part : parts) {
            switch (part) {
                case "rate" -> bench.rate();
                case "heap" -> bench.idle(NodeSettings.defaults().heartbeatIntervalMillis(), "heap");
                case "heartbeat" -> bench.idle(bench.intOpt("fastHeartbeatMillis"), "heartbeat");
                case "partial" -> bench.partial();
                default -> throw new IllegalArgumentException("unknown part " + part
                        + "; known: rate heap heartbeat partial all");
            }
        }
        System.out.println();
        System.out.println("==== summary ====");
        bench.summary.forEach(System.out::println);
        System.out.println("results (CSV) are in " + bench.results.directory());
        bench.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private void describe() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s, Java %s; options %s%n",
                os.getAvailableProcessors(), os.getName(), os.getVersion(), System.getProperty("java.version"),
                new java.util.TreeMap<>(opts));
        long fds = fileDescriptorLimit();
        System.out.println("open-file limit of this process: " + (fds < 0 ? "unknown" : fds));
        if (fds > 0 && fds < intOpt("sessions") + 1_000L) {
            System.out.println("WARNING: the open-file limit is below sessions + 1000; raise it with ulimit -n");
        }
    }

    // ------------------------------------------------------------------ new sessions per second

    private void rate() throws Exception {
        String heading = "-- new authenticated sessions per second, " + intOpt("connectors") + " concurrent connectors";
        System.out.println();
        System.out.println(heading);
        double pbkdf2Ms = pbkdf2Millis(intOpt("iterations"));
        String pbkdf2 = String.format(Locale.ROOT,
                "client-side PBKDF2-HMAC-SHA-256 with %d iterations: %.2f ms per derivation on one core (≈ %.0f/s per core)",
                intOpt("iterations"), pbkdf2Ms, 1000 / pbkdf2Ms);
        System.out.println(pbkdf2);

        try (NodeProcess node = new NodeProcess(10_000, intOpt("iterations"), USER, PASSWORD, opts.get("nodeHeap"), "",
                SpinWindow.DEFAULT_CAP_MICROS, intOpt("spinMicros"))) {
            WireClient wire = new WireClient(group, HOST, node.port(), USER, PASSWORD.toCharArray());
            String token = wire.sessionKeepingToken().get(30, TimeUnit.SECONDS);
            NodeProcess.Memory before = node.memory();
            sessionsRun = 0;

            Map<String, Supplier<CompletableFuture<?>>> variants = new LinkedHashMap<>();
            variants.put("SCRAM-SHA-256, Java client (AldisClient)", () -> productSession(node.port()));
            variants.put("SCRAM-SHA-256, minimal wire client", () -> wire.session(""));
            variants.put("resume token, minimal wire client", () -> wire.session(token));

            Map<String, List<Round>> results = new LinkedHashMap<>();
            for (var v : variants.entrySet()) {
                System.out.println("warming up: " + v.getKey());
                run(node, v.getValue(), intOpt("warmupSeconds"));
                results.put(v.getKey(), new ArrayList<>());
            }
            // Interleave the variants round by round, so a busy spell on the shared machine hits all of them.
            for (int r = 1; r <= intOpt("rounds"); r++) {
                for (var v : variants.entrySet()) {
                    Round round = run(node, v.getValue(), intOpt("roundSeconds"));
                    results.get(v.getKey()).add(round);
                    System.out.printf(Locale.ROOT, "round %d %-42s %8.0f sessions/s, node CPU %6.1f µs/session, "
                            + "client CPU %6.1f µs/session, %d failed%n", r, v.getKey(), round.perSecond(),
                            round.nodeMicrosPerSession(), round.clientMicrosPerSession(), round.failed);
                    this.results.round("new authenticated sessions", v.getKey(), r,
                            new RunResults.Figure("rate", "sessions/s", round.perSecond()),
                            new RunResults.Figure("node CPU", "µs/session", round.nodeMicrosPerSession()),
                            new RunResults.Figure("client CPU", "µs/session", round.clientMicrosPerSession()),
                            new RunResults.Figure("failed", "sessions", round.failed));
                }
            }
            NodeProcess.Memory after = node.memory();
            String retained = String.format(Locale.ROOT,
                    "   node heap after GC with no session open: %s before the rate test, %s after %d sessions opened "
                            + "and closed (%d open now) -> %.0f bytes retained per closed session",
                    mib(before.heapUsed()), mib(after.heapUsed()), sessionsRun, node.stats().sessions(),
                    (after.heapUsed() - before.heapUsed()) / (double) Math.max(1, sessionsRun));
            System.out.println(retained);
            summary.add(heading + " (median of " + intOpt("rounds") + " rounds of " + intOpt("roundSeconds") + " s)");
            summary.add("   " + pbkdf2);
            for (var e : results.entrySet()) {
                List<Round> rs = e.getValue();
                summary.add(String.format(Locale.ROOT,
                        "   %-42s %8.0f sessions/s (min %.0f, max %.0f); node CPU %.1f µs/session; client CPU %.1f µs/session; failed %d",
                        e.getKey(), median(rs, Round::perSecond), min(rs, Round::perSecond), max(rs, Round::perSecond),
                        median(rs, Round::nodeMicrosPerSession), median(rs, Round::clientMicrosPerSession),
                        rs.stream().mapToLong(x -> x.failed).sum()));
            }
            summary.add(retained);
        }
    }

    private CompletableFuture<?> productSession(int port) {
        AldisClient client = AldisClient.builder().address(HOST, port).credentials(USER, PASSWORD.toCharArray())
                .eventLoopGroup(group).reconnect(ReconnectPolicy.none()).clientName("aldis-bench").build();
        return client.connect().thenCompose(c -> c.close()).whenComplete((v, e) -> {
            if (e != null) {
                client.close();
            }
        });
    }

    /** What happened in one measured window. */
    record Round(long sessions, long failed, double seconds, long nodeCpuNanos, long clientCpuNanos) {
        double perSecond() {
            return sessions / seconds;
        }

        double nodeMicrosPerSession() {
            return sessions == 0 ? Double.NaN : nodeCpuNanos / 1000.0 / sessions;
        }

        double clientMicrosPerSession() {
            return sessions == 0 ? Double.NaN : clientCpuNanos / 1000.0 / sessions;
        }
    }

    /** Runs {@code connectors} loops of back-to-back sessions and measures a window in the middle. */
    private Round run(NodeProcess node, Supplier<CompletableFuture<?>> op, int seconds) throws Exception {
        int connectors = intOpt("connectors");
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicReference<Throwable> lastError = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(connectors);
        for (int i = 0; i < connectors; i++) {
            loop(op, stop, ok, failed, lastError, done);
        }
        Thread.sleep(300); // let every connector get going
        long ok0 = ok.sum();
        long failed0 = failed.sum();
        NodeProcess.Stats s0 = node.stats();
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long ok1 = ok.sum();
        long failed1 = failed.sum();
        long t1 = System.nanoTime();
        long c1 = processCpuNanos();
        NodeProcess.Stats s1 = node.stats();
        stop.set(true);
        if (!done.await(60, TimeUnit.SECONDS)) {
            System.out.println("WARNING: connectors did not stop within 60 s");
        }
        sessionsRun += ok.sum();
        if (lastError.get() != null && failed1 > failed0) {
            System.out.println("last failure: " + lastError.get());
        }
        return new Round(ok1 - ok0, failed1 - failed0, (t1 - t0) / 1e9, s1.cpuNanos() - s0.cpuNanos(), c1 - c0);
    }

    private static void loop(Supplier<CompletableFuture<?>> op, AtomicBoolean stop, LongAdder ok, LongAdder failed,
            AtomicReference<Throwable> lastError, CountDownLatch done) {
        if (stop.get()) {
            done.countDown();
            return;
        }
        CompletableFuture<?> f;
        try {
            f = op.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, e) -> {
            if (e == null) {
                ok.increment();
            } else {
                failed.increment();
                lastError.set(e);
            }
            // Hop off the completing thread so a chain of quick completions never deepens the stack.
            CompletableFuture.runAsync(() -> loop(op, stop, ok, failed, lastError, done));
        });
    }

    // ------------------------------------------------------------------ idle sessions: heap and heartbeats

    private void idle(int heartbeatMillis, String label) throws Exception {
        int n = intOpt("sessions");
        String heading = String.format(Locale.ROOT, "-- %d idle authenticated sessions, heartbeat %d ms (%s)", n,
                heartbeatMillis, label);
        System.out.println();
        System.out.println(heading);
        summary.add(heading);
        try (NodeProcess node = new NodeProcess(heartbeatMillis, intOpt("iterations"), USER, PASSWORD,
                opts.get("nodeHeap"), opts.get("hosts").equals(HOST) ? "" : "anyAddress", SpinWindow.DEFAULT_CAP_MICROS,
                intOpt("spinMicros"))) {
            // Warm the node (classes loaded, code compiled, pools created) before the baseline.
            closeAll(open(node.port(), 200, new LongAdder()));
            NodeProcess.Stats empty0 = node.stats();
            Thread.sleep(5_000);
            NodeProcess.Stats empty1 = node.stats();
            NodeProcess.Memory before = node.memory();

            LongAdder lost = new LongAdder();
            long t0 = System.nanoTime();
            OpenSessions clients = open(node.port(), n, lost);
            double openSeconds = (System.nanoTime() - t0) / 1e9;
            long lostOpening = lost.sum();
            System.out.println("sessions lost while opening (and replaced): " + lostOpening);
            double emptyPercent = 100.0 * (empty1.cpuNanos() - empty0.cpuNanos()) / 5e9;
            summary.add(String.format(Locale.ROOT, "   node CPU with no sessions open: %.2f %% of one core", emptyPercent));

            // Let the heartbeats of all sessions settle into their rhythm before measuring.
            Thread.sleep(Math.max(5_000, 2L * heartbeatMillis));
            System.out.println("sessions lost before the CPU windows: " + lost.sum());
            List<double[]> windows = new ArrayList<>();
            for (int w = 1; w <= intOpt("windows"); w++) {
                NodeProcess.Stats s0 = node.stats();
                long c0 = processCpuNanos();
                long t = System.nanoTime();
                Thread.sleep(intOpt("windowSeconds") * 1000L);
                double secs = (System.nanoTime() - t) / 1e9;
                long c1 = processCpuNanos();
                NodeProcess.Stats s1 = node.stats();
                if (s1.sessions() != s0.sessions()) {
                    // Frame counts live in the sessions, so a window that lost some cannot be counted.
                    System.out.printf(Locale.ROOT, "window %d: sessions went from %d to %d during the window; "
                            + "not counted%n", w, s0.sessions(), s1.sessions());
                    continue;
                }
                long frames = s1.frames() - s0.frames();
                long cpu = s1.cpuNanos() - s0.cpuNanos();
                // The same, less what the node burns with no session at all (timers, GC, JIT).
                double net = Math.max(0, cpu - emptyPercent / 100 * secs * 1e9);
                double[] r = {100.0 * cpu / 1e9 / secs, frames / secs, frames == 0 ? Double.NaN : cpu / 1000.0 / frames,
                        100.0 * (c1 - c0) / 1e9 / secs, s1.sessions(), frames == 0 ? Double.NaN : net / 1000.0 / frames};
                windows.add(r);
                System.out.printf(Locale.ROOT,
                        "window %d: node CPU %.2f %% of one core, %.0f heartbeat frames/s in+out, %.2f µs per frame"
                                + " (%.2f above the empty node), client JVM CPU %.1f %%, %d sessions open%n",
                        w, r[0], r[1], r[2], r[5], r[3], (int) r[4]);
                results.round(String.format(Locale.ROOT, "%d idle sessions, heartbeat %d ms", n, heartbeatMillis),
                        "Aldis", w, new RunResults.Figure("node CPU", "% of one core", r[0]),
                        new RunResults.Figure("heartbeat frames", "frames/s", r[1]),
                        new RunResults.Figure("node CPU per frame", "µs", r[2]),
                        new RunResults.Figure("client JVM CPU", "% of one core", r[3]));
            }
            String cpu = String.format(Locale.ROOT,
                    "   node CPU over %d valid windows of %d s (median): %.2f %% of one core; %.0f heartbeat frames/s "
                            + "(PING + PONG, in + out); %.2f µs node CPU per frame (%.2f above the empty node), "
                            + "%.2f µs per PING/PONG exchange; client JVM %.1f %%; sessions open at the end %d, lost %d",
                    windows.size(), intOpt("windowSeconds"), medianOf(windows, 0), medianOf(windows, 1),
                    medianOf(windows, 2), medianOf(windows, 5), 2 * medianOf(windows, 2), medianOf(windows, 3),
                    node.stats().sessions(), lost.sum());
            System.out.println(cpu);
            summary.add(cpu);

            // Heap last: forced full collections stall the node, which a 1 s heartbeat may not survive.
            int open = node.stats().sessions();
            NodeProcess.Memory after = node.memory();
            long heap = after.heapUsed() - before.heapUsed();
            String memory = String.format(Locale.ROOT,
                    "   node heap after GC: %s before, %s with %d sessions open (%d requested, opened in %.1f s, "
                            + "%d lost and replaced meanwhile) -> %s in total, %.2f KiB per session; "
                            + "Netty direct memory %s -> %s; node RSS %s -> %s",
                    mib(before.heapUsed()), mib(after.heapUsed()), open, n, openSeconds, lostOpening, mib(heap),
                    heap / 1024.0 / open, mib(before.nettyDirect()), mib(after.nettyDirect()), mib(before.resident()),
                    mib(after.resident()));
            System.out.println(memory);
            summary.add(memory);
            results.round(String.format(Locale.ROOT, "heap of %d idle sessions, heartbeat %d ms", n, heartbeatMillis),
                    "Aldis", 1, new RunResults.Figure("heap per session", "KiB", heap / 1024.0 / open),
                    new RunResults.Figure("sessions open", "sessions", open));
            lossReasons.forEach((reason, count) -> summary.add("   lost: " + count.sum() + " x " + reason));
            lossReasons.clear();
            closeAll(clients);
        }
    }

    // ------------------------------------------------------------------ unauthenticated partial frames

    private void partial() throws Exception {
        int n = intOpt("partialSockets");
        int prefix = intOpt("partialPrefix");
        int body = intOpt("partialBytes");
        boolean ws = switch (opts.get("partialTransport")) {
            case "tcp" -> false;
            case "ws" -> true;
            default -> throw new IllegalArgumentException("partialTransport is tcp or ws: " + opts.get("partialTransport"));
        };
        String heading = prefix == 0
                ? String.format(Locale.ROOT, "-- %d unauthenticated %s connections, idle", n, ws ? "WebSocket" : "TCP")
                : String.format(Locale.ROOT,
                "-- %d unauthenticated %s connections, each announcing a %d-byte frame and sending %d bytes of it", n,
                ws ? "WebSocket" : "TCP", prefix, body);
        System.out.println();
        System.out.println(heading);
        summary.add(heading);
        // An idle one sends nothing at all (over WebSocket: nothing after the upgrade).
        byte[] partialFrame = prefix == 0 ? new byte[0]
                : ws ? partialWebSocketMessage(prefix, body) : partialTcpFrame(prefix, body);
        try (NodeProcess node = new NodeProcess(10_000, intOpt("iterations"), USER, PASSWORD,
                opts.get("nodeHeap"), ws ? "ws" : "", SpinWindow.DEFAULT_CAP_MICROS, intOpt("spinMicros"))) {
            int port = ws ? node.wsPort() : node.port();
            NodeProcess.Memory before = node.memory();
            List<java.net.Socket> sockets = new ArrayList<>(n);
            int refusedWhileSending = 0;
            try {
                for (int i = 0; i < n; i++) {
                    java.net.Socket socket = new java.net.Socket(HOST, port);
                    sockets.add(socket);
                    try {
                        if (ws) {
                            upgrade(socket, port);
                        }
                        socket.getOutputStream().write(partialFrame);
                        socket.getOutputStream().flush();
                    } catch (java.io.IOException closedByNode) {
                        refusedWhileSending++;
                    }
                }
                // The node reads what was sent in its own time; give it that before looking.
                Thread.sleep(3_000);
                NodeProcess.Memory after = node.memory();
                int open = 0;
                for (java.net.Socket socket : sockets) {
                    if (stillOpen(socket)) {
                        open++;
                    }
                }
                String line = String.format(Locale.ROOT,
                        "   %d of %d connections still open (%d refused while sending); node RSS %s -> %s "
                                + "(%.1f KiB per connection), Netty direct memory %s -> %s (%.1f KiB per connection), "
                                + "heap after GC %s -> %s",
                        open, n, refusedWhileSending, mib(before.resident()), mib(after.resident()),
                        (after.resident() - before.resident()) / 1024.0 / n, mib(before.nettyDirect()),
                        mib(after.nettyDirect()), (after.nettyDirect() - before.nettyDirect()) / 1024.0 / n,
                        mib(before.heapUsed()), mib(after.heapUsed()));
                System.out.println(line);
                summary.add(line);
            } finally {
                for (java.net.Socket socket : sockets) {
                    socket.close();
                }
            }
            Thread.sleep(3_000);
            NodeProcess.Memory closed = node.memory();
            String line = String.format(Locale.ROOT, "   after they closed: node RSS %s, Netty direct memory %s",
                    mib(closed.resident()), mib(closed.nettyDirect()));
            System.out.println(line);
            summary.add(line);
        }
    }

    /** A TCP length prefix announcing {@code length} bytes, followed by {@code sent} of them. */
    private static byte[] partialTcpFrame(int length, int sent) {
        byte[] bytes = new byte[4 + sent];
        java.nio.ByteBuffer.wrap(bytes).putInt(length);
        return bytes;
    }

    /**
     * The header of a final, masked binary WebSocket frame announcing {@code length} payload bytes
     * (the 64-bit length form when it does not fit 16 bits), then {@code sent} payload bytes. The
     * mask is zero, which is allowed and leaves the payload as it is.
     */
    private static byte[] partialWebSocketMessage(int length, int sent) {
        boolean wide = length > 0xFFFF;
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((wide ? 14 : 8) + sent);
        bytes.put((byte) 0x82); // FIN, binary
        if (wide) {
            bytes.put((byte) (0x80 | 127)).putLong(length);
        } else {
            bytes.put((byte) (0x80 | 126)).putShort((short) length);
        }
        bytes.putInt(0); // masking key
        return bytes.array();
    }

    /** Sends the WebSocket upgrade request with the Aldis subprotocol and reads the answer's head. */
    private static void upgrade(java.net.Socket socket, int port) throws java.io.IOException {
        String request = "GET /aldis HTTP/1.1\r\nHost: " + HOST + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: aldis.v1\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        java.io.InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("the listener closed during the upgrade");
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new java.io.IOException("upgrade refused: " + head.toString().lines().findFirst().orElse(""));
        }
    }

    /** Whether the node has neither answered nor closed the connection: a read finds nothing to read. */
    private static boolean stillOpen(java.net.Socket socket) {
        try {
            socket.setSoTimeout(5);
            // Either the first byte of the ERROR that refuses the frame, or the end of the stream.
            socket.getInputStream().read();
            return false;
        } catch (java.net.SocketTimeoutException nothingYet) {
            return true;
        } catch (java.io.IOException closed) {
            return false;
        }
    }

    /** Opens {@code n} sessions with the Java client, {@code openInFlight} at a time, on the shared group. */
    private OpenSessions open(int port, int n, LongAdder lost) throws Exception {
        List<String> hosts = List.of(opts.get("hosts").split(","));
        List<AldisClient> clients = new ArrayList<>(n);
        Semaphore inFlight = new Semaphore(intOpt("openInFlight"));
        LongAdder failed = new LongAdder();
        AtomicBoolean closing = new AtomicBoolean();
        ConnectionListener watch = new ConnectionListener() {
            @Override
            public void disconnected(DisconnectReason reason) {
                if (!closing.get()) {
                    lost.increment();
                    String key = reason.code() + ": " + String.valueOf(reason.message()).replaceAll("[0-9]+", "N");
                    lossReasons.computeIfAbsent(key, k -> new LongAdder()).increment();
                }
            }
        };
        // Sessions lost while others are still being opened are replaced, a few passes at most,
        // so the measurement sees the requested number; the losses are reported.
        int opened = 0;
        for (int pass = 1; pass <= 5; pass++) {
            clients.removeIf(c -> c.state() != ClientState.CONNECTED && c.state() != ClientState.CONNECTING
                    && c.state() != ClientState.NEW);
            int missing = n - clients.size();
            if (missing <= 0) {
                break;
            }
            if (pass > 1) {
                System.out.println("pass " + pass + ": replacing " + missing + " lost sessions");
            }
            for (int i = 0; i < missing; i++) {
                inFlight.acquire();
                AldisClient client = AldisClient.builder().address(hosts.get(opened % hosts.size()), port)
                        .credentials(USER, PASSWORD.toCharArray()).eventLoopGroup(group)
                        .reconnect(ReconnectPolicy.none()).clientName("aldis-bench")
                        .connectTimeout(Duration.ofSeconds(60)).listener(watch).build();
                clients.add(client);
                client.connect().whenComplete((c, e) -> {
                    if (e != null) {
                        failed.increment();
                    }
                    inFlight.release();
                });
                if (++opened % 2_000 == 0) {
                    System.out.println("opened " + opened);
                }
            }
            inFlight.acquire(intOpt("openInFlight"));
            inFlight.release(intOpt("openInFlight"));
        }
        if (failed.sum() > 0) {
            System.out.println("WARNING: " + failed.sum() + " sessions failed to open");
        }
        System.out.println("session opens: " + opened + " for " + n + " wanted");
        return new OpenSessions(clients, closing);
    }

    /** Open clients, and the flag that tells their listener that disconnects from now on are ours. */
    private record OpenSessions(List<AldisClient> clients, AtomicBoolean closing) {
    }

    private static void closeAll(OpenSessions sessions) {
        sessions.closing().set(true);
        CompletableFuture<?>[] closing = sessions.clients().stream().map(AldisClient::close).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(closing).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("WARNING: closing the clients: " + e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private int intOpt(String key) {
        return Integer.parseInt(opts.get(key));
    }

    private static double pbkdf2Millis(int iterations) throws Exception {
        SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] salt = new byte[16];
        char[] pw = PASSWORD.toCharArray();
        for (int i = 0; i < 200; i++) {
            f.generateSecret(new PBEKeySpec(pw, salt, iterations, 256)).getEncoded();
        }
        double[] rounds = new double[5];
        for (int r = 0; r < rounds.length; r++) {
            int count = 100;
            long t = System.nanoTime();
            for (int i = 0; i < count; i++) {
                f.generateSecret(new PBEKeySpec(pw, salt, iterations, 256)).getEncoded();
            }
            rounds[r] = (System.nanoTime() - t) / 1e6 / count;
        }
        Arrays.sort(rounds);
        return rounds[rounds.length / 2];
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long fileDescriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            return u.getMaxFileDescriptorCount();
        }
        return -1;
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024.0);
    }

    private static <T> double median(List<T> xs, java.util.function.ToDoubleFunction<T> f) {
        double[] v = xs.stream().mapToDouble(f).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static <T> double min(List<T> xs, java.util.function.ToDoubleFunction<T> f) {
        return xs.stream().mapToDouble(f).min().orElse(Double.NaN);
    }

    private static <T> double max(List<T> xs, java.util.function.ToDoubleFunction<T> f) {
        return xs.stream().mapToDouble(f).max().orElse(Double.NaN);
    }

    private static double medianOf(List<double[]> rows, int column) {
        return median(rows, r -> r[column]);
    }
}
