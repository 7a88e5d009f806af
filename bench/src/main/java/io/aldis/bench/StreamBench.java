package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.protocol.api.spin.SpinWindow;
import io.aldis.protocol.api.stream.StreamCredit;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 *   <li>{@code all}: the four above; options and defaults in {@link #OPTIONS}.</li>
 * </ul>
 */
public final class StreamBench {
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("rounds", "5");            // measured rounds per workload and system
        OPTIONS.put("roundSeconds", "3");      // length of a round
        OPTIONS.put("warmupRounds", "2");      // unmeasured rounds first, interleaved too
        OPTIONS.put("itemSize", "128");        // bytes per item in the items-mode parts
        // The caller's window for the items it receives, in items: the client's high-water mark, RSocket's
        // limitRate, gRPC's request. The callee's window for the caller's items is 64 everywhere: the
        // default high-water mark of a streaming method (@StreamCredit).
        OPTIONS.put("itemWindow", "64");
        OPTIONS.put("blockSize", "65536");     // bytes per item in the bytes part
        OPTIONS.put("blockWindow", "16");      // the receivers' window in items of blockSize (1 MiB by default)
        OPTIONS.put("rsocketClassPath", "");   // file holding the RSocket peer's class path; empty: no RSocket
        OPTIONS.put("systems", "");            // comma-separated name prefixes to keep (see MessagingBench); empty: all
    }

    private static final String USER = "bench";
    private static final char[] PASSWORD = "bench-password-1".toCharArray();

    private final Map<String, String> opts;
    private final StringBuilder summary = new StringBuilder();

    private StreamBench(Map<String, String> opts) {
        this.opts = opts;
    }

    private int i(String key) {
        return Integer.parseInt(opts.get(key));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(OPTIONS);
        List<String> parts = new ArrayList<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                String key = a.substring(0, eq);
                if (!OPTIONS.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option " + key + "; options: " + OPTIONS);
                }
                opts.put(key, a.substring(eq + 1));
            } else if (!a.isBlank()) {
                parts.add(a);
            }
        }
        if (parts.isEmpty() || parts.contains("all")) {
            parts = List.of("server", "bytes", "client", "bidi");
        }
        System.out.println("options " + opts + ", parts " + parts + ", load average "
                + String.format(Locale.ROOT, "%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        StreamBench bench = new StreamBench(opts);
        List<StreamSystems.System> systems = new ArrayList<>();
        try (NodeProcess node = new NodeProcess(10_000, 4096, USER, new String(PASSWORD), "2g", "rpc,streaming",
                SpinWindow.DEFAULT_CAP_MICROS, SpinWindow.DEFAULT_CAP_MICROS);
                ChildJvm grpcServer = new ChildJvm(NodeProcess.classPathCopy(), GrpcEcho.class.getName(),
                        Integer.toString(StreamCredit.DEFAULT_ITEMS_HIGH_WATER_MARK))) {
            systems.add(StreamSystems.aldis(bench.client(node)));
            systems.addAll(bench.peers(grpcServer));
            systems = MessagingBench.keep(opts.get("systems"), systems, StreamSystems.System::name);
            for (String part : parts) {
                switch (part) {
                    case "server" -> bench.compare(systems, bench.items(StreamSystems.Direction.TO_CALLER));
                    case "bytes" -> bench.compare(systems, new StreamSystems.Workload(
                            StreamSystems.Direction.TO_CALLER, bench.i("blockSize"), bench.i("blockWindow"), true));
                    case "client" -> bench.compare(systems, bench.items(StreamSystems.Direction.TO_CALLEE));
                    case "bidi" -> bench.compare(systems, bench.items(StreamSystems.Direction.BOTH));
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
        System.exit(0);
    }

    /** A client of the node as a user builds it: callbacks on the client's pool, products' defaults. */
    private AldisClient client(NodeProcess node) {
        return RpcSystems.client(node.port(), USER, PASSWORD,
                Duration.ofNanos(1000L * SpinWindow.DEFAULT_CAP_MICROS), false);
    }

    private StreamSystems.Workload items(StreamSystems.Direction direction) {
        return new StreamSystems.Workload(direction, i("itemSize"), i("itemWindow"), false);
    }

    private List<StreamSystems.System> peers(ChildJvm grpcServer) throws Exception {
        List<StreamSystems.System> peers = new ArrayList<>();
        String rsocketCp = opts.get("rsocketClassPath");
        if (!rsocketCp.isBlank()) {
            peers.add(StreamSystems.rsocket(Files.readString(Path.of(rsocketCp)).replaceAll("\\s+", "")));
        }
        peers.add(StreamSystems.grpc(Integer.parseInt(grpcServer.expect("GRPC")[1])));
        return peers;
    }

    /** Interleaved rounds of one workload: warm-up rounds, then measured ones, every system in turn. */
    private void compare(List<StreamSystems.System> systems, StreamSystems.Workload w) throws Exception {
        String title = w.describe();
        System.out.println();
        System.out.println("== " + title + " ==");
        double seconds = Double.parseDouble(opts.get("roundSeconds"));
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
