package io.aldis.bench;

import io.aldis.client.AldisClient;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What resuming a file transfer costs (issue 18, "resume cost"): a file moved between the Java
 * client and the node, both with their defaults, through a {@link WireProxy} that breaks the
 * transfer part-way at several points, in both directions and two ways:
 *
 * <ul>
 *   <li>{@code cut}: the proxy resets the connection, as a failing network would, and the
 *       client reconnects and resumes on its own;</li>
 *   <li>{@code close}: the application closes its client and a new client resumes the same
 *       transfer from its checkpoint (the node's for an upload, the one beside the partial file
 *       for a download);</li>
 *   <li>{@code kill}: the application's process is killed, and a new process resumes the same
 *       way.</li>
 * </ul>
 *
 * Every figure comes from the frames that crossed the proxy, not from either side's own account:
 * per break, the time from the new connection's session being up (AUTH_OK, or CONNECT_ACK with
 * {@code AUTHENTICATED}) to the first CHUNK_DATA the sender sends on it (and on the way, to the
 * client's RESUME_REQUEST and to the node's RESUME_RESPONSE), and the chunks the sender
 * sent more than once (a chunk counts as sent once its header crossed the proxy), against one
 * window (window × chunk size, as the last UPLOAD_ACCEPT, DOWNLOAD_ACCEPT or RESUME_RESPONSE
 * gave them). For each transfer also every byte the sender put on the wire beyond the file's
 * size. The copy's SHA-256 is checked against the source after every transfer.
 */
final class ResumeCost {
    private final Map<String, String> opts;
    private final String user;
    private final char[] password;
    private final StringBuilder summary;

    ResumeCost(Map<String, String> opts, String user, char[] password, StringBuilder summary) {
        this.opts = opts;
        this.user = user;
        this.password = password;
        this.summary = summary;
    }


    /** How a transfer is broken. */
    private enum Way {
        /** The proxy resets the connection; the client reconnects and resumes on its own. */
        CUT("cut"),
        /** The application closes its client; a new client resumes from the checkpoint. */
        CLOSE("close"),
        /** The application's process is killed; a new process resumes from the checkpoint. */
        KILL("kill");

        final String label;

        Way(String label) {
            this.label = label;
        }
    }

    void run(Path work, AldisFileMover aldis) throws Exception {
        long size = Long.parseLong(opts.get("resumeMiB")) << 20;
        List<Integer> percents = new ArrayList<>();
        for (String p : opts.get("resumeCuts").split(",")) {
            percents.add(Integer.parseInt(p.strip()));
        }
        Path source = FileBench.randomFile(work.resolve("resume-source.bin"), size, 5);
        String hash = FileBench.sha256(source);
        // the file downloads read: put there directly, not through the proxy
        aldis.upload(source, "resume-source.bin");
        int warmup = Integer.parseInt(opts.get("warmupRounds"));
        int rounds = warmup + Integer.parseInt(opts.get("rounds"));
        List<ResumeWatch.Break> breaks = new ArrayList<>();
        Map<String, List<Double>> excess = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Way way : Way.values()) {
                for (boolean upload : new boolean[] {true, false}) {
                    String name = (upload ? "upload" : "download") + ", " + way.label;
                    ResumeWatch wire = new ResumeWatch(upload, size, percents);
                    long sent = transfer(work, aldis, wire, upload, way, round, source, hash);
                    List<ResumeWatch.Break> seen = wire.breaks(name, percents);
                    for (ResumeWatch.Break b : seen) {
                        System.out.printf(Locale.ROOT,
                                "round %d %-16s at %2d %%: reconnect %7.1f ms, up → RESUME_REQUEST %6.1f ms,"
                                        + " → RESUME_RESPONSE %6.1f ms, → first chunk %6.1f ms (chunk %d),"
                                        + " resent %d chunks, %.1f MiB (window %d × %d KiB = %.1f MiB)%s%n",
                                round, name, b.percent(), b.reconnectMillis(), b.toRequestMillis(),
                                b.toResponseMillis(), b.toFirstChunkMillis(), b.firstChunk(),
                                b.chunksResent(), b.bytesResent() / 1048576.0, b.window(), b.chunkSize() >> 10,
                                b.windowBytes() / 1048576.0, round < warmup ? " (warm-up)" : "");
                    }
                    double beyond = (sent - size) / 1048576.0;
                    System.out.printf(Locale.ROOT, "round %d %-16s sender's bytes on the wire beyond the file: %.2f MiB%n",
                            round, name, beyond);
                    if (round >= warmup) {
                        breaks.addAll(seen);
                        excess.computeIfAbsent(name, k -> new ArrayList<>()).add(beyond);
                    }
                }
            }
        }
        Files.delete(source);
        Files.delete(aldis.stored("resume-source.bin"));
        report(breaks, excess);
    }

    /**
     * Moves the file once through a new proxy, broken at each of the wire's points, checks the
     * copy, and returns the bytes the sender put on the wire through the proxy.
     */
    private long transfer(Path work, AldisFileMover aldis, ResumeWatch wire, boolean upload, Way way, int round,
            Path source, String hash) throws Exception {
        String remote = "resume-" + round + "-" + way.label + ".bin";
        Path target = work.resolve("resume-copy.bin");
        Path copy = upload ? aldis.stored(remote) : target;
        Files.deleteIfExists(copy);
        String what = (upload ? "upload" : "download") + " broken by " + way.label;
        try (WireProxy proxy = new WireProxy(aldis.nodePort(), wire)) {
            String sha = switch (way) {
                case CUT -> {
                    wire.onBreak(proxy::cut);
                    yield inProcess(proxy.port(), wire, upload, false, source, remote, target, aldis.options());
                }
                case CLOSE -> inProcess(proxy.port(), wire, upload, true, source, remote, target, aldis.options());
                case KILL -> inProcesses(proxy.port(), wire, upload, upload ? source : target, remote,
                        aldis.options().checkpointDirectory());
            };
            if (!hash.equals(sha) || !Files.exists(copy) || !hash.equals(FileBench.sha256(copy))) {
                throw new IllegalStateException(what + ": the copy " + copy + " differs from the source");
            }
            if (wire.breaksDone() != wire.breakCount()) {
                throw new IllegalStateException(what + ": the transfer ended after " + wire.breaksDone() + " of "
                        + wire.breakCount() + " breaks; use a larger file (resumeMiB)");
            }
            Files.delete(copy);
            return upload ? proxy.bytesFromClients() : proxy.bytesFromNode();
        }
    }

    /**
     * The transfer by clients in this JVM: one that resumes on its own after cuts, or
     * ({@code reopen}) a new one at each break, after the one before was closed. Returns the
     * SHA-256 the transfer's result gives.
     */
    private String inProcess(int port, ResumeWatch wire, boolean upload, boolean reopen, Path source, String remote,
            Path target, TransferOptions options) throws Exception {
        AldisClient client = connect(port);
        Transfer transfer = start(client, upload, source, remote, target, options);
        if (reopen) {
            for (CompletableFuture<Void> signal : wire.breakSignals()) {
                CompletableFuture.anyOf(transfer.result(), signal).get(10, TimeUnit.MINUTES);
                if (transfer.result().isDone()) {
                    break;
                }
                // the application goes away mid-transfer; a new one asks for the same transfer
                client.close().get(30, TimeUnit.SECONDS);
                transfer.result().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
                client = connect(port);
                transfer = start(client, upload, source, remote, target, options);
            }
        }
        String sha = transfer.result().get(10, TimeUnit.MINUTES).sha256Hex();
        client.close().get(30, TimeUnit.SECONDS);
        return sha;
    }

    /**
     * The transfer by applications of their own ({@link TransferProcess}), each killed at the next
     * break and followed by a new one. Returns the SHA-256 the last one's result gives.
     */
    private String inProcesses(int port, ResumeWatch wire, boolean upload, Path local, String remote, Path checkpoints)
            throws Exception {
        String classPath = NodeProcess.classPathCopy();
        String[] args = {Integer.toString(port), user, new String(password), upload ? "upload" : "download",
                local.toString(), upload ? remote : "resume-source.bin", checkpoints.toString()};
        ChildJvm app = new ChildJvm(classPath, TransferProcess.class.getName(), args);
        try {
            for (CompletableFuture<Void> signal : wire.breakSignals()) {
                signal.get(10, TimeUnit.MINUTES);
                app.kill();
                app = new ChildJvm(classPath, TransferProcess.class.getName(), args);
            }
            return app.expect("DONE")[1];
        } finally {
            app.close();
        }
    }

    private AldisClient connect(int port) {
        AldisClient client = AldisClient.builder().address("127.0.0.1", port).credentials(user, password)
                .clientName("aldis-resume-bench").build();
        client.connect().join();
        return client;
    }

    private static Transfer start(AldisClient client, boolean upload, Path source, String remote, Path target,
            TransferOptions options) {
        return upload ? client.upload(source, remote, options)
                : client.download("resume-source.bin", target, options);
    }

    private void report(List<ResumeWatch.Break> breaks, Map<String, List<Double>> excess) {
        String title = "resume cost, " + opts.get("resumeMiB") + " MiB, breaks at " + opts.get("resumeCuts")
                + " %, medians over rounds (min–max)";
        summary.append(title).append('\n');
        Map<String, List<ResumeWatch.Break>> byKind = new LinkedHashMap<>();
        for (ResumeWatch.Break b : breaks) {
            byKind.computeIfAbsent(b.transfer() + " at " + b.percent() + " %", k -> new ArrayList<>()).add(b);
        }
        summary.append(String.format(Locale.ROOT, "  %-30s %-20s %-20s %-20s %-20s %-14s %-18s %s%n", "break",
                "reconnect (ms)", "up → RESUME_REQ", "up → RESUME_RESP", "up → 1st chunk", "chunks resent",
                "MiB resent", "window (MiB)"));
        int over = 0;
        for (Map.Entry<String, List<ResumeWatch.Break>> e : byKind.entrySet()) {
            List<ResumeWatch.Break> list = e.getValue();
            summary.append(String.format(Locale.ROOT, "  %-30s %-20s %-20s %-20s %-20s %-14s %-18s %.1f%n",
                    e.getKey(), spread(list.stream().map(ResumeWatch.Break::reconnectMillis).toList(), "%.0f"),
                    spread(list.stream().map(ResumeWatch.Break::toRequestMillis).toList(), "%.1f"),
                    spread(list.stream().map(ResumeWatch.Break::toResponseMillis).toList(), "%.1f"),
                    spread(list.stream().map(ResumeWatch.Break::toFirstChunkMillis).toList(), "%.1f"),
                    spread(list.stream().map(b -> (double) b.chunksResent()).toList(), "%.0f"),
                    spread(list.stream().map(b -> b.bytesResent() / 1048576.0).toList(), "%.1f"),
                    list.get(0).windowBytes() / 1048576.0));
            over += (int) list.stream().filter(b -> b.bytesResent() > b.windowBytes()).count();
        }
        for (Map.Entry<String, List<Double>> e : excess.entrySet()) {
            summary.append(String.format(Locale.ROOT, "  %-30s sender's bytes beyond the file: %s MiB%n", e.getKey(),
                    spread(e.getValue(), "%.2f")));
        }
        summary.append(String.format(Locale.ROOT, "  goal (at most one window resent per break): %s (%d of %d breaks over)%n",
                over == 0 ? "met" : "NOT met", over, breaks.size()));
        System.out.print(summary.substring(summary.lastIndexOf(title)));
    }

    private static String spread(List<Double> values, String format) {
        double min = values.stream().mapToDouble(d -> d).min().orElse(0);
        double max = values.stream().mapToDouble(d -> d).max().orElse(0);
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")",
                MessagingBench.median(new ArrayList<>(values)), min, max);
    }
}
