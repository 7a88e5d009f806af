package io.aldis.itest.soak;

import io.aldis.client.AldisClient;
import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.TestFiles;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One soak: starts a {@link SoakNode} in a JVM of its own with Netty's leak detection at paranoid,
 * warms it up, samples its baseline, runs the {@link Churn} for the set time while sampling it,
 * lets every client go and samples until the figures settle, then stops the node and reads its
 * log for leak reports. Writes {@code soak.csv}, {@code soak.svg} and {@code node.log} to the
 * settings' directory.
 */
final class SoakRun {
    /** Leak reports of Netty's ResourceLeakDetector start with this. */
    static final String LEAK_MARK = "LEAK:";
    private static final int WARM_UP_SESSIONS = 32;
    private static final int BASELINE_SAMPLES = 3;
    private static final Duration SETTLE_AT_MOST = Duration.ofSeconds(120);
    private static final int SHARED_FILE_SIZE = 8 << 20;

    private final SoakSettings settings;
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final Tally tally = new Tally();
    private long startNanos;

    private SoakRun(SoakSettings settings) {
        this.settings = settings;
    }

    static SoakReport run(SoakSettings settings) throws Exception {
        return new SoakRun(settings).run();
    }

    private SoakReport run() throws Exception {
        Path out = Files.createDirectories(settings.out());
        Path scratch = Files.createDirectories(out.resolve("scratch"));
        Path log = out.resolve("node.log");
        System.out.printf("soak: %d sessions, %d workers, %d s of churn, seed %d, writing to %s%n", settings.sessions(),
                settings.workers(), settings.churn().toSeconds(), settings.seed(), out.toAbsolutePath());
        ChildNode.Started node = SoakNode.start(log, (int) settings.resumeWindow().toMillis());
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        startNanos = System.nanoTime();
        try (NodeProbe probe = NodeProbe.attach(node.process().pid())) {
            ChurnContext context = new ChurnContext(node.port(), loops, scratch,
                    TestFiles.random(scratch.resolve("shared.bin"), SHARED_FILE_SIZE, settings.seed()), tally);
            uploadSharedFile(context);
            try (Churn warmUp = new Churn(context, Math.min(WARM_UP_SESSIONS, settings.sessions()), settings.workers(),
                    settings.seed() ^ 0x5eedL)) {
                warmUp.start();
                Thread.sleep(settings.warmUp().toMillis());
                warmUp.stop();
            }
            for (int i = 0; i < BASELINE_SAMPLES; i++) {
                Thread.sleep(1000);
                samples.add(probe.sample(seconds(), Sample.Phase.BASELINE));
            }
            Sample baseline = Flatness.baselineOf(Sample.of(samples, Sample.Phase.BASELINE));
            churn(context, probe);
            settle(probe, baseline);
            flushLeakReports(context);
        } finally {
            stop(node.process());
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            deleteTree(scratch);
        }
        List<Sample> all = List.copyOf(samples);
        writeCsv(all, out.resolve("soak.csv"));
        SoakChart.write(all, String.format("Aldis soak: %d sessions, %d s of churn, seed %d", settings.sessions(),
                settings.churn().toSeconds(), settings.seed()), out.resolve("soak.svg"));
        return new SoakReport(all, tally.actions(), tally.brokenCount(), tally.broken(), tally.failedCount(),
                tally.failureKinds(), tally.failed(), leaks(log), Flatness.problems(all));
    }

    private void churn(ChurnContext context, NodeProbe probe) throws Exception {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (Churn churn = new Churn(context, settings.sessions(), settings.workers(), settings.seed())) {
            churn.start();
            long every = settings.sampleEvery().toMillis();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    Sample s = probe.sample(seconds(), Sample.Phase.CHURN);
                    samples.add(s);
                    System.out.printf("soak: %s%n", s.csvRow());
                } catch (Exception e) {
                    tally.failed("sample", e);
                }
            }, 0, every, TimeUnit.MILLISECONDS);
            Thread.sleep(settings.churn().toMillis());
            sampler.shutdown();
            sampler.awaitTermination(every + 30_000, TimeUnit.MILLISECONDS);
            churn.stop();
        } finally {
            sampler.shutdownNow();
        }
    }

    /** Samples until the figures are back at the baseline (or long enough to say they are not), then twice more. */
    private void settle(NodeProbe probe, Sample baseline) throws Exception {
        long deadline = System.nanoTime() + SETTLE_AT_MOST.toNanos();
        Sample s;
        do {
            Thread.sleep(settings.sampleEvery().toMillis());
            s = probe.sample(seconds(), Sample.Phase.AFTER);
            samples.add(s);
        } while (!Flatness.settled(baseline, s) && System.nanoTime() < deadline);
        for (int i = 0; i < 2; i++) {
            Thread.sleep(settings.sampleEvery().toMillis());
            samples.add(probe.sample(seconds(), Sample.Phase.AFTER));
        }
    }

    /**
     * Netty reports a leaked buffer when a later allocation finds it collected: after the last
     * sample's GC, one more session allocates in the node before it stops.
     */
    private void flushLeakReports(ChurnContext context) throws Exception {
        ClientSession last = ClientSession.open(context, "last");
        Random random = new Random(settings.seed());
        last.publish(random);
        last.stream(random);
        last.close();
    }

    private void uploadSharedFile(ChurnContext context) throws Exception {
        AldisClient setup = context.clientBuilder("setup").build();
        try {
            setup.connect().get(ClientSession.WAIT_SECONDS, TimeUnit.SECONDS);
            setup.upload(context.sharedFile(), ChurnContext.SHARED_FILE).result()
                    .get(ClientSession.WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            setup.close().get(ClientSession.WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    private double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Ends the node the way its main expects: its standard input closes; forcibly if it hangs. */
    private static void stop(Process node) throws Exception {
        node.getOutputStream().close();
        if (!node.waitFor(60, TimeUnit.SECONDS)) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("the soak node did not stop within 60 s of being asked to");
        }
    }

    private static List<String> leaks(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(LEAK_MARK)).toList();
        }
    }

    private static void writeCsv(List<Sample> samples, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(Sample.CSV_HEADER);
        samples.forEach(s -> lines.add(s.csvRow()));
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
