package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.TestFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large files between the Java client and a real node, too long for the default build (profile
 * {@code long}, README "Tests and long runs"): a 1 GiB file each way through a link cut every
 * 200 ms, which arrives whole and never starts again from zero, and a 3 GiB round trip.
 */
@Tag("long")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class FileLongTest {
    private static final String ALICE = "alice";
    private static final long GIB = 1024L * 1024 * 1024;
    private static final Duration CUT_EVERY = Duration.ofMillis(200);

    @TempDir
    Path local;

    private NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").files().start();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void aGibibyteGoesUpAndComesDownWholeThroughALinkCutEvery200Milliseconds() throws Exception {
        Path source = TestFiles.random(local.resolve("one.bin"), GIB + 77, 1);
        String sourceHash = TestFiles.sha256Hex(source);
        try (CuttingProxy proxy = new CuttingProxy(node.tcpPort())) {
            AldisClient client = node.connect(node.clientBuilder(ALICE).address("127.0.0.1", proxy.port()));

            TransferResult up = throughCuts(proxy, options -> client.upload(source, "one.bin", options));
            assertThat(up.sha256Hex()).isEqualTo(sourceHash);

            Path target = local.resolve("one-back.bin");
            TransferResult down = throughCuts(proxy, options -> client.download("one.bin", target, options));
            assertThat(TestFiles.sha256Hex(target)).isEqualTo(sourceHash);
            assertThat(down.sha256Hex()).isEqualTo(sourceHash);
        }
    }

    @Test
    void threeGibibytesMakeTheRoundTripByteForByte() throws Exception {
        Path source = TestFiles.random(local.resolve("three.bin"), 3 * GIB + 5, 3);
        String sourceHash = TestFiles.sha256Hex(source);
        AldisClient client = node.connect(ALICE);
        assertThat(client.upload(source, "three.bin").result().get(10, TimeUnit.MINUTES).sha256Hex())
                .isEqualTo(sourceHash);
        Path target = local.resolve("three-back.bin");
        client.download("three.bin", target).result().get(10, TimeUnit.MINUTES);
        assertThat(TestFiles.sha256Hex(target)).isEqualTo(sourceHash);
    }

    /**
     * Runs a transfer while the proxy cuts every connection every 200 ms, and checks that the bytes
     * done never went back: each cut resumed the transfer where the node had got to.
     */
    private static TransferResult throughCuts(CuttingProxy proxy, Function<TransferOptions, Transfer> start)
            throws Exception {
        AtomicLong mostDone = new AtomicLong();
        AtomicLong wentBack = new AtomicLong(-1);
        TransferOptions options = TransferOptions.defaults().withProgressInterval(Duration.ZERO).withProgress(p -> {
            if (p.bytesDone() < mostDone.getAndAccumulate(p.bytesDone(), Math::max)) {
                wentBack.compareAndSet(-1, p.bytesDone());
            }
        });
        int acceptedBefore = proxy.accepted();
        ScheduledExecutorService cutter = Executors.newSingleThreadScheduledExecutor();
        try {
            cutter.scheduleAtFixedRate(proxy::cut, CUT_EVERY.toMillis(), CUT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            TransferResult result = start.apply(options).result().get(20, TimeUnit.MINUTES);
            cutter.shutdownNow();
            assertThat(wentBack.get()).as("bytes done went back to this after a cut").isEqualTo(-1);
            assertThat(result.resumed()).isTrue();
            assertThat(proxy.accepted() - acceptedBefore).as("connections through the proxy").isGreaterThan(3);
            return result;
        } finally {
            cutter.shutdownNow();
        }
    }
}
