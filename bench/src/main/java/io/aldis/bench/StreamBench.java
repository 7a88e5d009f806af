package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.protocol.api.spin.SpinWindow;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Credit-controlled streams of the node next to RSocket and gRPC, in one run with interleaved
 * rounds (warm-up rounds first, then measured ones, each visiting every system in turn). Run it
 * through {@code bench/run-streams.sh}. Parts:
 *
 * <ul>
 *   <li>{@code server}: callee→caller, {@code itemSize}-byte items, a window of {@code itemWindow} items;</li>
 *   <li>{@code bytes}: callee→caller, {@code blockSize}-byte items, a window of {@code blockWindow}
 *       items (the node counts bytes: a high-water mark of {@code blockSize × blockWindow});</li>
 *   <li>{@code client} and {@code bidi}: caller→callee and an echo both ways, as {@code server};</li>
 *   <li>{@code fairness} (the node alone): latency of calls at 1 in flight on a connection idle
 *       but for them, and on one that also carries a stream running flat out;</li>
 *   <li>{@code all}: the five above; options and defaults in {@link #OPTIONS};</li>
 *   <li>{@code memory} (the node alone, not in {@code all}: it takes over a minute): the node's
 *       heap after garbage collection while {@code memoryGiB} flow in bytes mode to a reader
 *       slower than the node.</li>
 * </ul>
 *
 * <p>Aldis runs twice in the parts that compare systems: with the Java client's defaults (callbacks
 * on the I/O thread while they are prompt, judged), the figure that counts, and, beside it, with
 * every callback on its I/O thread without judgement ({@code
 * AldisClient.Builder.callbackExecutor(Runnable::run)}), which shows what the judgement costs.
 */
public final class StreamBench {
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("rounds", "5");            // measured rounds per workload and system
        OPTIONS.put("roundSeconds", "3");      // length of a round
        OPTIONS.put("warmupSeconds", "5");     // before a workload's rounds, each system runs it this long unmeasured (JIT)
        OPTIONS.put("warmupRounds", "2");      // unmeasured rounds first, interleaved too
        OPTIONS.put("itemSize", "128");        // bytes per item in the items-mode parts
        // The caller's window for the items it receives, in items: the client's high-water mark, RSocket's
        // limitRate, gRPC's request. The callee's window for the caller's items is 64 everywhere: the
        // default high-water mark of a streaming method (StreamCredit.DEFAULT_ITEMS_HIGH_WATER_MARK).
        OPTIONS.put("itemWindow", "64");
        OPTIONS.put("blockSize", "65536");     // bytes per item in the bytes part
        OPTIONS.put("blockWindow", "16");      // the receivers' window in items of blockSize (1 MiB by default)
        OPTIONS.put("fairnessStream", "bytes"); // the flat-out stream beside the calls: bytes (as part bytes) or items (as part server)
        OPTIONS.put("memoryGiB", "4");         // bytes the memory part streams to its slow reader, in GiB
        OPTIONS.put("slowReaderMBps", "64");   // the slow reader's pace, in MB/s
        OPTIONS.put("memorySampleSeconds", "2"); // pause between two readings of the node's heap
        OPTIONS.put("rsocketClassPath", "");   // file holding the RSocket peer's class path; empty: no RSocket
        OPTIONS.put(BenchClients.CALLBACK_OPTION, ""); // µs a callback may hold a client's I/O thread; empty: the client's default
        OPTIONS.put("systems", "");            // comma-separated name prefixes to keep (see MessagingBench); empty: all
        OPTIONS.put(RunResults.OPTION, "");    // directory for the run's CSV files; empty: a new one under bench/target/results
    }

    private static final String USER = "bench";
    private static final char[] PASSWORD = "bench-password-1".toCharArray();

    private final Map<String, String> opts;
    private final StringBuilder summary = new StringBuilder();
    private final RunResults results;

    private StreamBench(Map<String, String> opts) {
        this.opts = opts;
        this.results = RunResults.fromOption("streams", opts.get(RunResults.OPTION));
    }

    private int i(String key) {
        return Integer.parseInt(opts.get(key));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(OPTIONS);
        List<String> parts = MessagingBench.parseArguments(args, opts);
        if (parts.isEmpty() || parts.contains("all")) {
            parts = List.of("server", "bytes", "fairness", "client", "bidi");
        }
        System.out.println("options " + opts + ", parts " + parts + ", load average "
                + String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        BenchClients.configure(opts);
        StreamBench bench = new StreamBench(opts);
        List<StreamSystems.System> systems = new ArrayList<>();
        try (NodeProcess node = new NodeProcess(10_000, 4096, USER, new String(PASSWORD), "2g", "rpc,streaming",
                SpinWindow.DEFAULT_CAP_MICROS, SpinWindow.DEFAULT_CAP_MICROS);
                NodeProcess workersNode = bench.wanted(StreamSystems.ALDIS_WORKERS) ? new NodeProcess(10_000, 4096,
                        USER, new String(PASSWORD), "2g", "rpc,streaming,servicesOnWorkers",
                        SpinWindow.DEFAULT_CAP_MICROS, SpinWindow.DEFAULT_CAP_MICROS) : null;
                NodeProcess nioNode = bench.wanted(StreamSystems.ALDIS_NIO) ? new NodeProcess(10_000, 4096, USER,
                        new String(PASSWORD), "2g", "rpc,streaming", SpinWindow.DEFAULT_CAP_MICROS,
                        SpinWindow.DEFAULT_CAP_MICROS, "nio") : null) {
            if (bench.wanted(StreamSystems.ALDIS)) {
                systems.add(StreamSystems.aldis(bench.client(node)));
            }
            if (workersNode != null) {
                systems.add(StreamSystems.aldis(bench.client(workersNode), StreamSystems.ALDIS_WORKERS));
            }
            if (nioNode != null) {
                systems.add(StreamSystems.aldis(RpcSystems.nioClient(nioNode.port(), USER, PASSWORD,
                        Duration.ofNanos(1000L * SpinWindow.DEFAULT_CAP_MICROS)), StreamSystems.ALDIS_NIO));
            }
            if (bench.wanted(StreamSystems.ALDIS_IO)) {
                systems.add(StreamSystems.aldis(bench.client(node, true), StreamSystems.ALDIS_IO));
            }
            systems.addAll(bench.peers());
            for (String part : parts) {
                switch (part) {
                    case "server" -> bench.compare(systems, bench.items(StreamSystems.Direction.TO_CALLER));
                    case "bytes" -> bench.compare(systems, bench.blocks());
                    case "client" -> bench.compare(systems, bench.items(StreamSystems.Direction.TO_CALLEE));
                    case "bidi" -> bench.compare(systems, bench.items(StreamSystems.Direction.BOTH));
                    case "fairness" -> bench.fairness(node);
                    case "memory" -> bench.memory(node);
                    default -> throw new IllegalArgumentException("unknown part " + part);
                }
            }
        } catch (Exception | Error e) {
            // The peers' clients leave non-daemon threads behind: without an exit, a failed run
            // would keep its JVM, and the peers' JVMs, alive.
            e.printStackTrace();
            System.exit(1);
        } finally {
            for (StreamSystems.System s : systems) {
                s.close();
            }
        }
        System.out.println();
        System.out.println("==== summary ====");
        System.out.print(bench.summary);
        System.out.println("results (CSV) are in " + bench.results.directory());
        System.exit(0);
    }

    /** A client of the node as a user builds it: the products' defaults. */
    private AldisClient client(NodeProcess node) {
        return client(node, false);
    }

    /** With {@code direct}, the client runs its callbacks on its I/O thread (an opt-in). */
    private AldisClient client(NodeProcess node, boolean direct) {
        return RpcSystems.client(node.port(), USER, PASSWORD,
                Duration.ofNanos(1000L * SpinWindow.DEFAULT_CAP_MICROS), direct);
    }

    private StreamSystems.Workload items(StreamSystems.Direction direction) {
        return new StreamSystems.Workload(direction, i("itemSize"), i("itemWindow"), false);
    }

    private StreamSystems.Workload blocks() {
        return new StreamSystems.Workload(StreamSystems.Direction.TO_CALLER, i("blockSize"), i("blockWindow"), true);
    }

    /**
     * Calls at 1 in flight ({@code echo.echo} of {@code itemSize} bytes), in rounds that alternate
     * between a connection that carries nothing else and the same connection while a stream to
     * the caller runs flat out on it; the figures are the ratio of the
     * median p99 latencies and the median of the ratios within each pair of rounds.
     */
    private void fairness(NodeProcess node) throws Exception {
        StreamSystems.Workload stream = switch (opts.get("fairnessStream")) {
            case "bytes" -> blocks();
            case "items" -> items(StreamSystems.Direction.TO_CALLER);
            default -> throw new IllegalArgumentException("fairnessStream: bytes or items, not " + opts.get("fairnessStream"));
        };
        String title = "fairness: calls at 1 in flight beside " + stream.describe();
        System.out.println();
        System.out.println("== " + title + " ==");
        AldisClient client = client(node);
        double seconds = Double.parseDouble(opts.get("roundSeconds"));
        List<RpcSystems.Result> idle = new ArrayList<>();
        List<RpcSystems.Result> loaded = new ArrayList<>();
        List<Double> streamRates = new ArrayList<>();
        int warm = i("warmupRounds");
        try (RpcSystems.System calls = RpcSystems.aldis(client, i("itemSize"), false)) {
            double warmSeconds = Double.parseDouble(opts.get("warmupSeconds"));
            if (warmSeconds > 0) {
                Runnable cancel = StreamSystems.receive(client, stream.bytesMode() ? "streams.blocks" : "streams.items",
                        new Object[] {stream.itemSize()}, StreamSystems.highWaterMark(stream), new AtomicLong());
                try {
                    RpcSystems.Result res = calls.round(1, warmSeconds);
                    System.out.printf(Locale.ROOT, "JIT warm-up with the stream  %,9.0f calls/s%n", res.rate());
                } finally {
                    cancel.run();
                }
            }
            for (int r = 0; r < warm + i("rounds"); r++) {
                String round = (r < warm ? "warm-up" : "measured") + " round " + (r + 1);
                RpcSystems.Result quiet = calls.round(1, seconds);
                System.out.printf(Locale.ROOT, "%s idle connection  %,9.0f calls/s  p50 %7.1f µs  p99 %8.1f µs%n",
                        round, quiet.rate(), quiet.p50(), quiet.p99());
                AtomicLong items = new AtomicLong();
                Runnable cancel = StreamSystems.receive(client, stream.bytesMode() ? "streams.blocks" : "streams.items",
                        new Object[] {stream.itemSize()}, StreamSystems.highWaterMark(stream), items);
                long t0 = System.nanoTime();
                long c0 = items.get();
                RpcSystems.Result busy;
                try {
                    busy = calls.round(1, seconds);
                } finally {
                    cancel.run();
                }
                double mbps = (items.get() - c0) * (double) stream.itemSize() / ((System.nanoTime() - t0) / 1e3);
                System.out.printf(Locale.ROOT,
                        "%s with the stream  %,9.0f calls/s  p50 %7.1f µs  p99 %8.1f µs  (stream %,.1f MB/s)%n",
                        round, busy.rate(), busy.p50(), busy.p99(), mbps);
                if (r >= warm) {
                    idle.add(quiet);
                    loaded.add(busy);
                    streamRates.add(mbps);
                    results.round(title, "idle connection", r - warm + 1, quiet.figures());
                    results.round(title, "with the stream", r - warm + 1, busy.figures());
                }
            }
        }
        summary.append("\n").append(title).append(" (medians, min–max of ").append(i("rounds")).append(" rounds)\n");
        latencies("idle connection", idle);
        latencies("with the stream", loaded);
        double ratio = MessagingBench.median(loaded.stream().map(RpcSystems.Result::p99).toList())
                / MessagingBench.median(idle.stream().map(RpcSystems.Result::p99).toList());
        summary.append(String.format(Locale.ROOT, "  stream beside the calls: %,.1f MB/s (%,.1f–%,.1f)%n",
                MessagingBench.median(streamRates), min(streamRates), max(streamRates)));
        summary.append(String.format(Locale.ROOT, "  p99 with the stream / p99 idle: %.2f×%n", ratio));
        // Each round with the stream runs right after its idle round, so a busy spell of the host
        // tends to fall on both of a pair; the ratio within each pair shows what such spells blur.
        List<Double> pairs = new ArrayList<>();
        for (int k = 0; k < idle.size(); k++) {
            pairs.add(loaded.get(k).p99() / idle.get(k).p99());
        }
        summary.append(String.format(Locale.ROOT, "  the same within each pair of rounds: %.2f× (%.2f–%.2f)%n",
                MessagingBench.median(pairs), min(pairs), max(pairs)));
        System.out.print(summary.substring(summary.lastIndexOf(title)));
    }

    private void latencies(String label, List<RpcSystems.Result> results) {
        List<Double> p50 = results.stream().map(RpcSystems.Result::p50).toList();
        List<Double> p99 = results.stream().map(RpcSystems.Result::p99).toList();
        List<Double> rate = results.stream().map(RpcSystems.Result::rate).toList();
        summary.append(String.format(Locale.ROOT,
                "  %-16s %,9.0f calls/s  p50 %7.1f µs (%.1f–%.1f)  p99 %8.1f µs (%.1f–%.1f)%n", label,
                MessagingBench.median(rate), MessagingBench.median(p50), min(p50), max(p50),
                MessagingBench.median(p99), min(p99), max(p99)));
    }

    private static double min(List<Double> v) {
        return v.stream().mapToDouble(d -> d).min().orElse(0);
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(d -> d).max().orElse(0);
    }

    /**
     * A bytes-mode stream of {@code memoryGiB} to a reader that takes it at {@code slowReaderMBps}
     * (its {@code onNext} waits until its pace allows the next item), while the node's heap after
     * garbage collection is read every {@code memorySampleSeconds}. With credit, the node holds
     * at most the reader's window for the stream whatever the stream's length, so the heap should
     * stay flat.
     */
    private void memory(NodeProcess node) throws Exception {
        StreamSystems.Workload w = blocks();
        long total = Long.parseLong(opts.get("memoryGiB")) << 30;
        double bytesPerNano = Double.parseDouble(opts.get("slowReaderMBps")) * 1e6 / 1e9;
        String title = String.format(Locale.ROOT, "memory: node heap while %d GiB flow to a reader of %s MB/s, %s",
                total >> 30, opts.get("slowReaderMBps"), w.describe());
        System.out.println();
        System.out.println("== " + title + " ==");
        AldisClient client = client(node);
        try {
            NodeProcess.Memory before = node.memory();
            System.out.printf(Locale.ROOT, "before the stream: heap %,.1f MiB, Netty direct %,.1f MiB, RSS %,.1f MiB%n",
                    mib(before.heapUsed()), mib(before.nettyDirect()), mib(before.resident()));
            AtomicLong received = new AtomicLong();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Flow.Publisher<byte[]> blocks = client.callStream("streams.blocks", new Object[] {w.itemSize()}, byte[].class,
                    CallOptions.noTimeout().withStreamHighWaterMark(StreamSystems.highWaterMark(w)));
            long start = System.nanoTime();
            blocks.subscribe(new Flow.Subscriber<>() {
                private Flow.Subscription subscription;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(byte[] item) {
                    long got = received.addAndGet(item.length);
                    if (got >= total) {
                        subscription.cancel();
                        done.complete(null);
                        return;
                    }
                    // The slow application: it takes the next item only when its pace allows.
                    long due = start + (long) (got / bytesPerNano);
                    for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                        LockSupport.parkNanos(wait);
                    }
                }

                @Override
                public void onError(Throwable failure) {
                    done.completeExceptionally(failure);
                }

                @Override
                public void onComplete() {
                    done.completeExceptionally(new IllegalStateException("the stream ended before " + total + " bytes"));
                }
            });
            List<Double> heap = new ArrayList<>();
            double maxDirect = 0;
            while (!done.isDone()) {
                Thread.sleep(1000L * i("memorySampleSeconds"));
                NodeProcess.Memory m = node.memory();
                heap.add(mib(m.heapUsed()));
                maxDirect = Math.max(maxDirect, mib(m.nettyDirect()));
                System.out.printf(Locale.ROOT,
                        "%,6.2f GiB streamed: heap %,.1f MiB, Netty direct %,.1f MiB, RSS %,.1f MiB%n",
                        received.get() / (double) (1L << 30), mib(m.heapUsed()), mib(m.nettyDirect()), mib(m.resident()));
            }
            done.join();
            double seconds = (System.nanoTime() - start) / 1e9;
            NodeProcess.Memory after = node.memory();
            double peak = heap.stream().mapToDouble(d -> d).max().orElse(mib(after.heapUsed()));
            summary.append("\n").append(title).append("\n");
            summary.append(String.format(Locale.ROOT,
                    "  %d GiB in %.0f s (%,.0f MB/s); node heap after GC: %,.1f MiB before; while streaming "
                            + "(%d readings) %,.1f MiB first, %,.1f MiB last, %,.1f MiB at most; %,.1f MiB after; "
                            + "growth at most %+,.1f MiB (the reader's window: %,.1f MiB); Netty direct at most %,.1f MiB%n",
                    total >> 30, seconds, total / seconds / 1e6, mib(before.heapUsed()), heap.size(),
                    heap.isEmpty() ? 0 : heap.get(0), heap.isEmpty() ? 0 : heap.get(heap.size() - 1), peak,
                    mib(after.heapUsed()), peak - mib(before.heapUsed()),
                    mib(StreamSystems.highWaterMark(w)), maxDirect));
            System.out.print(summary.substring(summary.lastIndexOf(title)));
        } finally {
            client.close().join();
        }
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }

    /** Whether the {@code systems} option keeps the system of that name. */
    private boolean wanted(String system) {
        return !MessagingBench.keep(opts.get("systems"), List.of(system), name -> name).isEmpty();
    }

    /** The peers the {@code systems} option keeps, their servers started. */
    private List<StreamSystems.System> peers() throws Exception {
        List<StreamSystems.System> peers = new ArrayList<>();
        String rsocketCp = opts.get("rsocketClassPath");
        if (!rsocketCp.isBlank() && wanted(StreamSystems.RSOCKET)) {
            peers.add(StreamSystems.rsocket(Files.readString(Path.of(rsocketCp)).replaceAll("\\s+", "")));
        }
        if (wanted(StreamSystems.GRPC)) {
            peers.add(StreamSystems.grpc(NodeProcess.classPathCopy()));
        }
        return peers;
    }

    /** Interleaved rounds of one workload: warm-up rounds, then measured ones, every system in turn. */
    private void compare(List<StreamSystems.System> systems, StreamSystems.Workload w) throws Exception {
        String title = w.describe();
        System.out.println();
        System.out.println("== " + title + " ==");
        double seconds = Double.parseDouble(opts.get("roundSeconds"));
        // Rounds of a few seconds are too short for the JIT of a fresh JVM (the node's, the peers'
        // servers'): each system first runs the workload for a while, unmeasured.
        double warmSeconds = Double.parseDouble(opts.get("warmupSeconds"));
        if (warmSeconds > 0) {
            for (StreamSystems.System s : systems) {
                double rate = s.round(w, warmSeconds);
                System.out.printf(Locale.ROOT, "JIT warm-up %-36s %,12.0f items/s  %,8.1f MB/s%n", s.name(), rate,
                        rate * w.itemSize() / 1e6);
            }
        }
        Map<StreamSystems.System, List<Double>> rates = new LinkedHashMap<>();
        int warm = i("warmupRounds");
        int rounds = i("rounds");
        for (int r = 0; r < warm + rounds; r++) {
            for (StreamSystems.System s : systems) {
                double rate = s.round(w, seconds);
                System.out.printf(Locale.ROOT, "%s round %d %-36s %,12.0f items/s  %,8.1f MB/s%n",
                        r < warm ? "warm-up" : "measured", r + 1, s.name(), rate, rate * w.itemSize() / 1e6);
                if (r >= warm) {
                    rates.computeIfAbsent(s, k -> new ArrayList<>()).add(rate);
                    results.round(title, s.name(), r - warm + 1, new RunResults.Figure("throughput", "items/s", rate),
                            new RunResults.Figure("throughput", "MB/s", rate * w.itemSize() / 1e6));
                }
            }
        }
        summary.append("\n").append(title).append(" (items/s and MB/s; median, min–max of ").append(rounds)
                .append(" rounds)\n");
        double reference = MessagingBench.median(rates.get(systems.get(0)));
        for (StreamSystems.System s : systems) {
            List<Double> v = rates.get(s);
            double m = MessagingBench.median(v);
            double min = v.stream().mapToDouble(d -> d).min().orElse(0);
            double max = v.stream().mapToDouble(d -> d).max().orElse(0);
            summary.append(String.format(Locale.ROOT,
                    "  %-36s %,12.0f items/s (%,.0f–%,.0f)  %,9.1f MB/s (%,.1f–%,.1f)  first/this %.2f×%n",
                    s.name(), m, min, max, m * w.itemSize() / 1e6, min * w.itemSize() / 1e6,
                    max * w.itemSize() / 1e6, reference / m));
        }
        System.out.print(summary.substring(summary.lastIndexOf(title)));
    }
}
