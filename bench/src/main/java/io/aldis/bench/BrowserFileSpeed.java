package io.aldis.bench;

import io.aldis.protocol.api.spin.SpinWindow;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The browser client's file speed: client.js, run by Node.js 20 with {@code --experimental-websocket}
 * ({@code src/main/js/browser-files.mjs}), uploads a Blob of {@code browserMiB} random bytes to a
 * {@link BenchNode} with the file-transfer feature and a WebSocket listener, both with their
 * defaults, then downloads it into a Blob, for each chunk size of {@code browserChunkKiB} (0: the
 * client's defaults, the node's largest chunk up and the node's choice down) in interleaved rounds.
 * MB/s from the first byte asked to the result, in memory on the browser's side and disk on the
 * node's; both SHA-256 are checked every time.
 */
final class BrowserFileSpeed {
    private final Map<String, String> opts;
    private final String user;
    private final char[] password;
    private final StringBuilder summary;

    BrowserFileSpeed(Map<String, String> opts, String user, char[] password, StringBuilder summary) {
        this.opts = opts;
        this.user = user;
        this.password = password;
        this.summary = summary;
    }

    void run() throws Exception {
        Path root = projectRoot();
        Path node = onPath("node");
        if (node == null) {
            throw new IllegalStateException("the browser part needs Node.js 20 or 22 on the PATH");
        }
        long size = Long.parseLong(opts.get("browserMiB")) << 20;
        List<Integer> chunkKiB = new ArrayList<>();
        for (String c : opts.get("browserChunkKiB").split(",")) {
            chunkKiB.add(Integer.parseInt(c.strip()));
        }
        int warmup = Integer.parseInt(opts.get("warmupRounds"));
        int rounds = warmup + Integer.parseInt(opts.get("rounds"));
        Map<String, List<Double>> up = new LinkedHashMap<>();
        Map<String, List<Double>> down = new LinkedHashMap<>();
        try (NodeProcess aldis = new NodeProcess(10_000, 4096, user, new String(password), "1g", "files,ws",
                SpinWindow.DEFAULT_CAP_MICROS, SpinWindow.DEFAULT_CAP_MICROS)) {
            ProcessBuilder script = new ProcessBuilder(node.toString(), "--experimental-websocket",
                    root.resolve("bench/src/main/js/browser-files.mjs").toString(),
                    root.resolve("client.js/src/aldis.js").toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
            Map<String, String> env = script.environment();
            env.put("BENCH_WS_URL", "ws://127.0.0.1:" + aldis.wsPort() + "/aldis");
            env.put("BENCH_USER", user);
            env.put("BENCH_PASSWORD", new String(password));
            env.put("BENCH_SIZE", Long.toString(size));
            env.put("BENCH_ROUNDS", Integer.toString(rounds));
            env.put("BENCH_CHUNKS", String.join(",", chunkKiB.stream().map(k -> Long.toString((long) k << 10)).toList()));
            Process process = script.start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    if (!f[0].equals("ROUND")) {
                        System.out.println("[browser] " + line);
                        continue;
                    }
                    int round = Integer.parseInt(f[1]);
                    String variant = f[2].equals("0") ? "client.js, defaults" : "client.js, " + (Long.parseLong(f[2]) >> 10)
                            + " KiB chunks";
                    System.out.printf(Locale.ROOT, "round %d %-26s upload %6s MB/s  download %6s MB/s%s%n", round,
                            variant, f[3], f[4], round < warmup ? " (warm-up)" : "");
                    if (round >= warmup) {
                        up.computeIfAbsent(variant, k -> new ArrayList<>()).add(Double.parseDouble(f[3]));
                        down.computeIfAbsent(variant, k -> new ArrayList<>()).add(Double.parseDouble(f[4]));
                    }
                }
            }
            if (process.waitFor() != 0) {
                throw new IllegalStateException("the browser client's script failed (its error is above)");
            }
        }
        report("browser client upload, " + opts.get("browserMiB") + " MiB Blob over WebSocket (MB/s)", up);
        report("browser client download, " + opts.get("browserMiB") + " MiB into a Blob over WebSocket (MB/s)", down);
    }

    private void report(String title, Map<String, List<Double>> rates) {
        summary.append(title).append('\n');
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            List<Double> v = e.getValue();
            summary.append(String.format(Locale.ROOT, "  %-26s %6.1f (%.1f–%.1f)%n", e.getKey(), MessagingBench.median(v),
                    v.stream().mapToDouble(d -> d).min().orElse(0), v.stream().mapToDouble(d -> d).max().orElse(0)));
        }
        System.out.print(summary.substring(summary.lastIndexOf(title)));
    }

    /** The project's root: Maven runs the bench in bench/, a user may run it from the root. */
    private static Path projectRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("client.js/src/aldis.js"))) {
                return p;
            }
        }
        throw new IllegalStateException("client.js/src/aldis.js not found above " + here);
    }

    private static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
