package io.aldis.bench;

import io.aldis.client.TransferOptions;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.spin.NettyIo;
import io.aldis.protocol.api.spin.SpinWindow;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Moving files to and from the node on loopback ({@link AldisFileMover}), next to the tools a user
 * would use instead ({@link FilePeers}), in one run with interleaved rounds. Run it through {@code bench/run-files.sh}.
 * Parts:
 *
 * <ul>
 *   <li>{@code transfer}: a file of {@code sizeMiB} random bytes uploaded, then downloaded, by each
 *       system in turn, from disk to disk; MB/s of each;</li>
 *   <li>{@code parallel}: {@code parallelCount} files of {@code parallelMiB} uploaded at once;
 *       aggregate MB/s;</li>
 *   <li>{@code compression}: a text log (compressible) and a random file of {@code compressionMiB}
 *       each, uploaded and downloaded by the node with its default adaptive LZ4 and without
 *       compression, in turn (every other round in the opposite order); MB/s and CPU seconds per
 *       GiB of each;</li>
 *   <li>{@code memory}: a file of {@code memoryMiB} uploaded, then downloaded, by the node with its
 *       defaults, while the node's and the client's heaps are measured after garbage collection;
 *       how far each grew above where it stood before;</li>
 *   <li>{@code resume}: a file of {@code resumeMiB} moved both ways while its connection is cut, or
 *       its client closed and opened again, at {@code resumeCuts}; what each resume costs
 *       ({@link ResumeCost});</li>
 *   <li>{@code browser}: the browser client (client.js under Node.js) moving a Blob of
 *       {@code browserMiB} up and down over WebSocket ({@link BrowserFileSpeed}).</li>
 *   <li>{@code pages} (only when named): what writing into the page cache costs this machine in
 *       memory freed just before against memory freed some seconds before (see {@code transfer}).</li>
 * </ul>
 *
 * Every copy is checked: its size after each round, its SHA-256 after the first.
 */
public final class FileBench {
    /** The system with NIO instead of epoll, run only when {@code systems} names it ({@code aldisnio}). */
    private static final String NIO = "Aldis NIO";
    static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("rounds", "3");          // measured rounds per workload and system
        OPTIONS.put("warmupRounds", "1");    // unmeasured rounds first, interleaved too
        OPTIONS.put("sizeMiB", "1024");      // the file the transfer part moves
        OPTIONS.put("parallelCount", "20");  // files the parallel part uploads at once
        OPTIONS.put("parallelMiB", "100");   // the size of each of them
        OPTIONS.put("compressionMiB", "512"); // the size of each file the compression part moves
        OPTIONS.put("memoryMiB", "4096");    // the file the memory part moves
        OPTIONS.put("resumeMiB", "1024");    // the file the resume part moves
        OPTIONS.put("resumeCuts", "25,50,75"); // where the resume part breaks each transfer, in % of the file
        OPTIONS.put("browserMiB", "256");    // the Blob the browser part moves
        OPTIONS.put("browserChunkKiB", "0,64,512"); // chunk sizes the browser client asks for; 0: its defaults
        OPTIONS.put("dir", "");              // where the files and the servers' stores go; empty: a new temp directory
        OPTIONS.put("systems", "");          // comma-separated name prefixes to keep (see MessagingBench); empty: all
        OPTIONS.put(RunResults.OPTION, "");  // directory for the run's CSV files; empty: a new one under bench/target/results
        // Aldis set up otherwise, each beside the default one: comma-separated chunkKiB/window pairs (the
        // chunk size the Java client asks for and the node's window; 0 keeps the default), e.g. 256/32,1024/16
        OPTIONS.put("variants", "");
        // The memory the copies of the transfer, parallel and compression parts are written into (see
        // transfer): "fresh", freed right before each timed transfer, as every system finds it; "aged",
        // whatever the transfers before left (every run until 6 December 2026, 22:26 UTC)
        OPTIONS.put("pages", "fresh");
        OPTIONS.put("pagesAgeSeconds", "5"); // the pages part: how long before its write the older memory was freed
    }

    private static final String USER = "bench";
    private static final char[] PASSWORD = "bench-password-1".toCharArray();

    private final Map<String, String> opts;
    private final StringBuilder summary = new StringBuilder();
    private final RunResults results;

    private FileBench(Map<String, String> opts) {
        this.opts = opts;
        this.results = RunResults.fromOption("files", opts.get(RunResults.OPTION));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>(OPTIONS);
        List<String> parts = MessagingBench.parseArguments(args, opts);
        if (parts.isEmpty() || parts.contains("all")) {
            parts = List.of("transfer", "parallel", "compression", "memory", "resume", "browser");
        }
        Path work = opts.get("dir").isEmpty() ? Files.createTempDirectory("aldis-file-bench")
                : Files.createDirectories(Path.of(opts.get("dir")));
        FileBench bench = new FileBench(opts);
        List<FilePeers.Mover> systems = bench.systems(work);
        try {
            for (String part : parts) {
                switch (part) {
                    case "transfer" -> bench.transfer(work, systems);
                    case "parallel" -> bench.parallel(work, systems);
                    case "compression" -> bench.compression(work, aldisDefault(systems));
                    case "memory" -> bench.memory(work, aldisDefault(systems));
                    case "resume" -> new ResumeCost(bench.opts, USER, PASSWORD, bench.summary)
                            .run(work, aldisDefault(systems));
                    case "browser" -> new BrowserFileSpeed(bench.opts, USER, PASSWORD, bench.summary).run();
                    case "pages" -> bench.pages(work);
                    default -> throw new IllegalArgumentException("unknown part " + part
                            + "; parts: transfer parallel compression memory resume browser all, pages");
                }
            }
        } finally {
            for (FilePeers.Mover system : systems) {
                system.close();
            }
        }
        System.out.println("==== summary ====");
        System.out.print(bench.summary);
        System.out.println("results (CSV) are in " + bench.results.directory());
        System.exit(0);
    }

    private List<FilePeers.Mover> systems(Path work) throws Exception {
        List<FilePeers.Mover> all = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("Aldis"));
        for (String variant : opts.get("variants").split(",")) {
            if (!variant.isBlank()) {
                names.add("Aldis " + variant.strip());
            }
        }
        if (opts.get("systems").toLowerCase(Locale.ROOT).contains("nio")) {
            // only when asked for: the default run compares the product's defaults with the peers
            names.add(NIO);
        }
        names.addAll(List.of("rsync daemon", "rsync --fsync", "scp", "nc", "Java floor", "Java floor, CRC only"));
        // filtered by name before any server starts
        for (String name : MessagingBench.keep(opts.get("systems"), names, n -> n)) {
            all.add(switch (name) {
                case "rsync daemon" -> FilePeers.rsyncDaemon(work, false);
                case "rsync --fsync" -> FilePeers.rsyncDaemon(work, true);
                case "scp" -> FilePeers.scp(work);
                case "nc" -> FilePeers.nc(work);
                case "Java floor" -> VerifiedCopy.mover(work, true);
                case "Java floor, CRC only" -> VerifiedCopy.mover(work, false);
                case NIO -> aldisOnNio(work);
                default -> aldis(work, name);
            });
        }
        return all;
    }

    /** The node and the Java client: "Aldis" with their defaults, "Aldis chunkKiB/window" otherwise. */
    private FilePeers.Mover aldis(Path work, String name) throws Exception {
        String[] variant = name.equals("Aldis") ? new String[] {"0", "0"} : name.substring(6).split("/");
        int chunkKiB = Integer.parseInt(variant[0]);
        int window = Integer.parseInt(variant[1]);
        String feature = window > 0 ? "files,filesWindow=" + window : "files";
        TransferOptions options = TransferOptions.defaults().withCheckpointDirectory(
                Files.createDirectories(work.resolve("aldis-checkpoints-" + fileNameOf(name))));
        if (chunkKiB > 0) {
            options = options.withChunkSize(chunkKiB << 10);
        }
        return new AldisFileMover(name, new NodeProcess(10_000, 4096, USER, new String(PASSWORD), "1g", feature,
                SpinWindow.DEFAULT_CAP_MICROS, SpinWindow.DEFAULT_CAP_MICROS), USER, PASSWORD, options);
    }

    /**
     * The node and the Java client with their defaults but Java's NIO for their network I/O instead
     * of the native epoll transport (Linux's default), to see which of the two moves files faster.
     */
    private FilePeers.Mover aldisOnNio(Path work) throws Exception {
        TransferOptions options = TransferOptions.defaults().withCheckpointDirectory(
                Files.createDirectories(work.resolve("aldis-checkpoints-" + fileNameOf(NIO))));
        NodeProcess node = new NodeProcess(10_000, 4096, USER, new String(PASSWORD), "1g", "files",
                SpinWindow.DEFAULT_CAP_MICROS, SpinWindow.DEFAULT_CAP_MICROS, "nio");
        // the client picks its transport from the property when it is built
        String before = System.getProperty(NettyIo.PROPERTY);
        System.setProperty(NettyIo.PROPERTY, "nio");
        try {
            return new AldisFileMover(NIO, node, USER, PASSWORD, options);
        } finally {
            if (before == null) {
                System.clearProperty(NettyIo.PROPERTY);
            } else {
                System.setProperty(NettyIo.PROPERTY, before);
            }
        }
    }

    private static String fileNameOf(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_");
    }

    /**
     * Each system uploads the file and downloads it again, round after round; each copy is deleted
     * right after its transfer. Every copy a transfer writes goes into the page cache, in memory
     * the kernel hands out from what was freed. On a virtual machine that returns free memory to
     * its host (free page reporting, as on this machine), memory freed some seconds before may cost
     * a fault in the host on its first touch again, which once made writing 1 GiB here cost 3 CPU s
     * instead of 0.3 ({@code pages} part). So with {@code pages=fresh} the bench writes a file of the
     * transfer's size beside the copies (into the page cache of their file system; deleted before
     * the kernel would write it back) and deletes it right before each transfer, and every transfer,
     * whatever its place in the round and however long the one before took, writes into memory
     * freed just before. With {@code pages=aged} it does not, and a download meets memory freed as
     * long before as its system's upload took.
     */
    private void transfer(Path work, List<FilePeers.Mover> systems) throws Exception {
        long size = Long.parseLong(opts.get("sizeMiB")) << 20;
        Path source = randomFile(work.resolve("source.bin"), size, 1);
        String sourceHash = sha256(source);
        Map<String, List<Double>> up = new LinkedHashMap<>();
        Map<String, List<Double>> down = new LinkedHashMap<>();
        Map<String, List<Double>> upCpu = new LinkedHashMap<>();
        Map<String, List<Double>> downCpu = new LinkedHashMap<>();
        int warmup = Integer.parseInt(opts.get("warmupRounds"));
        int rounds = warmup + Integer.parseInt(opts.get("rounds"));
        for (int round = 0; round < rounds; round++) {
            for (FilePeers.Mover system : systems) {
                String remote = "bench-" + round + ".bin";
                Path stored = system.stored(remote);
                Files.deleteIfExists(stored);
                freeMemoryJustBefore(work, size);
                long cpuBefore = system.cpuNanos();
                long start = System.nanoTime();
                system.upload(source, remote);
                double upMBps = size / 1e6 / ((System.nanoTime() - start) / 1e9);
                long cpuBetween = system.cpuNanos();
                check(system.name() + " upload", stored, size, round == 0 ? sourceHash : null);

                Path target = work.resolve("downloaded-" + round + ".bin");
                Files.deleteIfExists(target);
                freeMemoryJustBefore(work, size);
                // Read again: the check and the memory freed just now ran in this process, not in the transfer.
                long cpuBeforeDown = system.cpuNanos();
                start = System.nanoTime();
                system.download(remote, target);
                double downMBps = size / 1e6 / ((System.nanoTime() - start) / 1e9);
                long cpuAfter = system.cpuNanos();
                check(system.name() + " download", target, size, round == 0 ? sourceHash : null);
                Files.deleteIfExists(target);
                Files.deleteIfExists(stored);
                System.out.printf(Locale.ROOT, "round %d %-14s upload %8.0f MB/s  download %8.0f MB/s%s%n", round,
                        system.name(), upMBps, downMBps, round < warmup ? " (warm-up)" : "");
                if (round >= warmup) {
                    up.computeIfAbsent(system.name(), k -> new ArrayList<>()).add(upMBps);
                    down.computeIfAbsent(system.name(), k -> new ArrayList<>()).add(downMBps);
                    if (cpuBefore >= 0) {
                        // CPU seconds per GiB moved: unlike MB/s, hardly changed by the other work on the machine
                        double gib = size / (double) (1L << 30);
                        upCpu.computeIfAbsent(system.name(), k -> new ArrayList<>())
                                .add((cpuBetween - cpuBefore) / 1e9 / gib);
                        downCpu.computeIfAbsent(system.name(), k -> new ArrayList<>())
                                .add((cpuAfter - cpuBeforeDown) / 1e9 / gib);
                    }
                }
            }
        }
        Files.deleteIfExists(source);
        report("upload, " + opts.get("sizeMiB") + " MiB, disk to disk (MB/s)", "throughput", "MB/s", up);
        report("download, " + opts.get("sizeMiB") + " MiB, disk to disk (MB/s)", "throughput", "MB/s", down);
        if (!upCpu.isEmpty()) {
            report("upload, CPU seconds per GiB, server and client together", "CPU", "s/GiB", upCpu);
            report("download, CPU seconds per GiB, server and client together", "CPU", "s/GiB", downCpu);
        }
    }

    private static AldisFileMover aldisDefault(List<FilePeers.Mover> systems) {
        for (FilePeers.Mover system : systems) {
            if (system instanceof AldisFileMover aldis && aldis.name().equals("Aldis")) {
                return aldis;
            }
        }
        throw new IllegalArgumentException("this part measures the node with its defaults: keep systems=aldis");
    }

    /**
     * Adaptive LZ4 (the default) against no compression, on a file that compresses and one that
     * does not, interleaved round by round; every copy is checked like the transfer part's.
     */
    private void compression(Path work, AldisFileMover aldis) throws Exception {
        long size = Long.parseLong(opts.get("compressionMiB")) << 20;
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("text log", textLogFile(work.resolve("log.txt"), size));
        files.put("random", randomFile(work.resolve("random.bin"), size, 2));
        List<AldisFileMover> movers = List.of(aldis.with("adaptive LZ4", aldis.options()),
                aldis.with("no compression", aldis.options().withCompression(Compression.NONE)));
        int warmup = Integer.parseInt(opts.get("warmupRounds"));
        int rounds = warmup + Integer.parseInt(opts.get("rounds"));
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            // Every other round runs the other way round (A B C D, then D C B A): what a transfer
            // leaves behind (garbage to collect, pages to write back) then does not always fall on
            // the CPU time of the same neighbour.
            List<Map.Entry<String, Path>> fileOrder = new ArrayList<>(files.entrySet());
            List<AldisFileMover> moverOrder = new ArrayList<>(movers);
            if (round % 2 == 1) {
                Collections.reverse(fileOrder);
                Collections.reverse(moverOrder);
            }
            for (Map.Entry<String, Path> file : fileOrder) {
                String hash = round == 0 ? sha256(file.getValue()) : null;
                for (AldisFileMover mover : moverOrder) {
                    String remote = "compression-" + round + ".bin";
                    Path stored = mover.stored(remote);
                    Path target = work.resolve("compression-" + round + ".copy");
                    freeMemoryJustBefore(work, size);
                    long cpuBefore = mover.cpuNanos();
                    long start = System.nanoTime();
                    mover.upload(file.getValue(), remote);
                    double up = size / 1e6 / ((System.nanoTime() - start) / 1e9);
                    long cpuBetween = mover.cpuNanos();
                    check(mover.name() + " upload", stored, size, hash);
                    freeMemoryJustBefore(work, size);
                    long cpuBeforeDown = mover.cpuNanos(); // not the check's and the freeing's, as in the transfer part
                    start = System.nanoTime();
                    mover.download(remote, target);
                    double down = size / 1e6 / ((System.nanoTime() - start) / 1e9);
                    long cpuAfter = mover.cpuNanos();
                    check(mover.name() + " download", target, size, hash);
                    Files.delete(target);
                    Files.delete(stored);
                    System.out.printf(Locale.ROOT, "round %d %-9s %-15s upload %6.0f MB/s  download %6.0f MB/s%s%n",
                            round, file.getKey(), mover.name(), up, down, round < warmup ? " (warm-up)" : "");
                    if (round >= warmup) {
                        double gib = size / (double) (1L << 30);
                        String key = file.getKey() + ", " + mover.name();
                        rates.computeIfAbsent("up, " + key, k -> new ArrayList<>()).add(up);
                        rates.computeIfAbsent("down, " + key, k -> new ArrayList<>()).add(down);
                        cpu.computeIfAbsent("up, " + key, k -> new ArrayList<>()).add((cpuBetween - cpuBefore) / 1e9 / gib);
                        cpu.computeIfAbsent("down, " + key, k -> new ArrayList<>()).add((cpuAfter - cpuBeforeDown) / 1e9 / gib);
                    }
                }
            }
        }
        for (Path file : files.values()) {
            Files.delete(file);
        }
        report("compression, " + opts.get("compressionMiB") + " MiB files (MB/s)", "throughput", "MB/s", rates);
        report("compression, CPU seconds per GiB, server and client together", "CPU", "s/GiB", cpu);
    }

    /**
     * Heap growth while a large file moves: the node's and the client's heap after garbage
     * collection, before the transfer and about once a second during it (each reading collects
     * garbage on its side). The goal is flat: what a transfer holds does not grow with the file.
     */
    private void memory(Path work, AldisFileMover aldis) throws Exception {
        long size = Long.parseLong(opts.get("memoryMiB")) << 20;
        Path source = randomFile(work.resolve("memory.bin"), size, 3);
        Path target = work.resolve("memory.copy");
        aldis.upload(randomFile(work.resolve("warm.bin"), 64 << 20, 4), "warm.bin"); // loads the classes of both sides
        Files.delete(work.resolve("warm.bin"));
        long[] nodeBefore = aldis.nodeHeapAfterGc();
        long[] clientBefore = BenchNode.heapAfterGc();
        long[] up = watch(aldis, aldis.startUpload(source, "memory.bin"), nodeBefore, clientBefore,
                heapSeries("memory, " + opts.get("memoryMiB") + " MiB upload"));
        check("memory upload", aldis.stored("memory.bin"), size, null);
        long[] down = watch(aldis, aldis.startDownload("memory.bin", target), nodeBefore, clientBefore,
                heapSeries("memory, " + opts.get("memoryMiB") + " MiB download"));
        check("memory download", target, size, null);
        Files.delete(target);
        Files.delete(aldis.stored("memory.bin"));
        Files.delete(source);
        String title = "memory, " + opts.get("memoryMiB") + " MiB file, heap after GC above where it stood before (MB)";
        summary.append(title).append('\n').append(String.format(Locale.ROOT,
                "  read 150 ms after GC, as before:%n"
                        + "  before: node %.0f, client %.0f%n  upload:   node +%.0f, client +%.0f (most seen, %d readings)%n"
                        + "  download: node +%.0f, client +%.0f (most seen, %d readings)%n"
                        + "  read right after GC:%n"
                        + "  before: node %.0f, client %.0f%n  upload:   node +%.0f, client +%.0f%n"
                        + "  download: node +%.0f, client +%.0f%n",
                nodeBefore[0] / 1e6, clientBefore[0] / 1e6, up[0] / 1e6, up[1] / 1e6, up[4], down[0] / 1e6,
                down[1] / 1e6, down[4], nodeBefore[1] / 1e6, clientBefore[1] / 1e6, up[2] / 1e6, up[3] / 1e6,
                down[2] / 1e6, down[3] / 1e6));
        System.out.print(summary.substring(summary.lastIndexOf(title)));
    }

    /** The time series of one transfer of the memory part: each heap's growth at each reading. */
    private RunResults.TimeSeries heapSeries(String name) {
        return results.timeSeries(name, "node heap above before", "MB", "client heap above before", "MB");
    }

    /**
     * Reads both heaps after GC until the transfer ends: the most each grew, read 150 ms after GC
     * (node, client) and right after it (node, client), and how many readings. Every reading 150 ms
     * after GC also goes to {@code series}.
     */
    private static long[] watch(AldisFileMover aldis, java.util.concurrent.CompletableFuture<?> transfer,
            long[] nodeBefore, long[] clientBefore, RunResults.TimeSeries series) throws Exception {
        long[] most = new long[5];
        long start = System.nanoTime();
        while (!transfer.isDone()) {
            long[] node = aldis.nodeHeapAfterGc();
            long[] client = BenchNode.heapAfterGc();
            series.sample((System.nanoTime() - start) / 1e9, (node[0] - nodeBefore[0]) / 1e6,
                    (client[0] - clientBefore[0]) / 1e6);
            most[0] = Math.max(most[0], node[0] - nodeBefore[0]);
            most[1] = Math.max(most[1], client[0] - clientBefore[0]);
            most[2] = Math.max(most[2], node[1] - nodeBefore[1]);
            most[3] = Math.max(most[3], client[1] - clientBefore[1]);
            most[4]++;
        }
        transfer.get();
        return most;
    }

    /** A text log of {@code size} bytes, as compressible as a service's log usually is (LZ4 about 3 to 5×). */
    static Path textLogFile(Path file, long size) throws IOException {
        Random random = new Random(9);
        String[] levels = {"INFO", "INFO", "INFO", "DEBUG", "WARN"};
        String[] paths = {"/api/orders", "/api/users", "/health", "/api/files/upload", "/api/search"};
        StringBuilder block = new StringBuilder(1 << 20);
        try (OutputStream out = Files.newOutputStream(file)) {
            long written = 0;
            long millis = 1_764_936_000_000L;
            while (written < size) {
                block.setLength(0);
                while (block.length() < (1 << 20) - 200) {
                    millis += random.nextInt(50);
                    block.append(java.time.Instant.ofEpochMilli(millis)).append(' ')
                            .append(levels[random.nextInt(levels.length)]).append(" [worker-")
                            .append(random.nextInt(16)).append("] request id=").append(Long.toHexString(random.nextLong()))
                            .append(" path=").append(paths[random.nextInt(paths.length)]).append(" status=")
                            .append(random.nextInt(20) == 0 ? 500 : 200).append(" took=").append(random.nextInt(900))
                            .append("ms\n");
                }
                byte[] bytes = block.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int n = (int) Math.min(bytes.length, size - written);
                out.write(bytes, 0, n);
                written += n;
            }
        }
        return file;
    }

    private void parallel(Path work, List<FilePeers.Mover> systems) throws Exception {
        int count = Integer.parseInt(opts.get("parallelCount"));
        long size = Long.parseLong(opts.get("parallelMiB")) << 20;
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sources.add(randomFile(work.resolve("parallel-" + i + ".bin"), size, 100 + i));
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        int warmup = Integer.parseInt(opts.get("warmupRounds"));
        int rounds = warmup + Integer.parseInt(opts.get("rounds"));
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            for (int round = 0; round < rounds; round++) {
                for (FilePeers.Mover system : systems) {
                    freeMemoryJustBefore(work, count * size);
                    List<Future<?>> uploads = new ArrayList<>();
                    long cpuBefore = system.cpuNanos();
                    long start = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        Path source = sources.get(i);
                        String remote = "parallel-" + round + "-" + i + ".bin";
                        uploads.add(pool.submit(() -> {
                            system.upload(source, remote);
                            return null;
                        }));
                    }
                    for (Future<?> upload : uploads) {
                        upload.get();
                    }
                    double mbps = count * size / 1e6 / ((System.nanoTime() - start) / 1e9);
                    long cpuAfter = system.cpuNanos();
                    for (int i = 0; i < count; i++) {
                        Path stored = system.stored("parallel-" + round + "-" + i + ".bin");
                        check(system.name() + " parallel upload", stored, size, null);
                        Files.delete(stored);
                    }
                    System.out.printf(Locale.ROOT, "round %d %-14s %d uploads at once %8.0f MB/s%s%n", round,
                            system.name(), count, mbps, round < warmup ? " (warm-up)" : "");
                    if (round >= warmup) {
                        rates.computeIfAbsent(system.name(), k -> new ArrayList<>()).add(mbps);
                        if (cpuBefore >= 0) {
                            cpu.computeIfAbsent(system.name(), k -> new ArrayList<>())
                                    .add((cpuAfter - cpuBefore) / 1e9 / (count * size / (double) (1L << 30)));
                        }
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (Path source : sources) {
            Files.deleteIfExists(source);
        }
        report(count + " uploads of " + opts.get("parallelMiB") + " MiB at once, aggregate (MB/s)", "throughput", "MB/s",
                rates);
        report(count + " uploads of " + opts.get("parallelMiB") + " MiB at once, CPU seconds per GiB, server and client "
                + "together", "CPU", "s/GiB", cpu);
    }

    /** Prints and sums up the measured rounds of each system, and hands them to the results files. */
    private void report(String title, String figure, String unit, Map<String, List<Double>> rates) {
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            for (int round = 0; round < e.getValue().size(); round++) {
                results.round(title, e.getKey(), round + 1, new RunResults.Figure(figure, unit, e.getValue().get(round)));
            }
        }
        summary.append(title).append('\n');
        double reference = rates.isEmpty() ? 0 : MessagingBench.median(rates.values().iterator().next());
        for (Map.Entry<String, List<Double>> e : rates.entrySet()) {
            List<Double> v = e.getValue();
            double m = MessagingBench.median(v);
            // small figures (CPU seconds) keep two decimals
            String figures = m < 100 ? "%8.2f (%.2f–%.2f)" : "%8.0f (%.0f–%.0f)";
            summary.append(String.format(Locale.ROOT, "  %-14s " + figures + "  %.2f× the first%n", e.getKey(), m,
                    v.stream().mapToDouble(d -> d).min().orElse(0), v.stream().mapToDouble(d -> d).max().orElse(0),
                    reference == 0 ? 0 : m / reference));
        }
        System.out.print(summary.substring(summary.lastIndexOf(title)));
    }

    private static void check(String what, Path copy, long size, String expectedHash) throws Exception {
        if (!Files.exists(copy) || Files.size(copy) != size) {
            throw new IOException(what + ": the copy " + copy + " is not " + size + " bytes long");
        }
        if (expectedHash != null && !expectedHash.equals(sha256(copy))) {
            throw new IOException(what + ": the copy " + copy + " differs from the source");
        }
    }

    /**
     * With {@code pages=fresh}, touches {@code size} bytes of page cache in a file beside the copies
     * (on their file system, so that it frees memory of the kind their page cache takes) and frees
     * them again, for the transfer that comes next; with {@code pages=aged}, nothing.
     */
    private void freeMemoryJustBefore(Path work, long size) throws IOException {
        String pages = opts.get("pages");
        if (!pages.equals("fresh") && !pages.equals("aged")) {
            throw new IllegalArgumentException("pages: fresh or aged, not " + pages);
        }
        if (pages.equals("aged")) {
            return;
        }
        Path ballast = work.resolve("ballast.bin");
        Files.deleteIfExists(ballast); // left by a run that was stopped midway in the same dir=
        try {
            writeFile(ballast, new byte[512 << 10], size);
        } finally {
            Files.deleteIfExists(ballast);
        }
    }

    /**
     * What writing into the page cache costs here in memory freed just before and in memory freed
     * {@code pagesAgeSeconds} before: a file of {@code sizeMiB} written in 512 KiB writes and
     * synced, by one thread whose CPU time is the figure, after the same file was deleted.
     */
    private void pages(Path work) throws Exception {
        long size = Long.parseLong(opts.get("sizeMiB")) << 20;
        long ageMillis = Long.parseLong(opts.get("pagesAgeSeconds")) * 1000;
        Path file = work.resolve("pages.bin");
        byte[] chunk = new byte[512 << 10];
        new Random(1).nextBytes(chunk);
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        String freshLabel = "freed just before";
        String agedLabel = "freed " + opts.get("pagesAgeSeconds") + " s before";
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int warmup = Integer.parseInt(opts.get("warmupRounds"));
        int rounds = warmup + Integer.parseInt(opts.get("rounds"));
        writeFile(file, chunk, size); // something to delete before the first round
        for (int round = 0; round < rounds; round++) {
            for (String label : List.of(freshLabel, agedLabel)) {
                Files.delete(file);
                if (label.equals(agedLabel)) {
                    Thread.sleep(ageMillis);
                }
                long before = threads.getCurrentThreadCpuTime();
                writeFile(file, chunk, size);
                double seconds = (threads.getCurrentThreadCpuTime() - before) / 1e9 / (size / (double) (1L << 30));
                System.out.printf(Locale.ROOT, "round %d writing into memory %-20s %6.2f CPU s/GiB%s%n", round, label,
                        seconds, round < warmup ? " (warm-up)" : "");
                if (round >= warmup) {
                    cpu.computeIfAbsent(label, k -> new ArrayList<>()).add(seconds);
                }
            }
        }
        Files.deleteIfExists(file);
        report("writing " + opts.get("sizeMiB") + " MiB into the page cache, CPU seconds per GiB of the writing thread",
                "CPU", "s/GiB", cpu);
    }

    private static void writeFile(Path file, byte[] chunk, long size) throws IOException {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long at = 0; at < size; at += chunk.length) {
                out.write(ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, size - at)), at);
            }
            out.force(true);
        }
    }

    /** A file of {@code size} bytes that no compressor shrinks, the same for the same seed. */
    static Path randomFile(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
        return file;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        try (var in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
