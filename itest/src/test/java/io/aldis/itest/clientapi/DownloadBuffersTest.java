package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.client.AldisClient;
import io.aldis.client.FileTransferException;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client keeps each downloaded chunk in the buffer the connection read it into until the
 * chunk is written to its file. Every such buffer goes back exactly once whichever way a download
 * ends midway: the connection lost (the download then goes on and completes), cancelled by the
 * application, cancelled by the node's operator, the client closed. Paranoid leak detection
 * ({@link LeakWatch}) fails the class when one is never released.
 *
 * <p>Each download is stopped midway with chunks still on their way inside the client: the
 * progress callback, which runs on the client's callback thread, holds that thread once a few
 * chunks are stored, so the chunks the node sends meanwhile wait behind it; the test ends the
 * download while they wait, then lets the thread go.
 */
@ExtendWith(LeakWatch.class)
class DownloadBuffersTest {
    private static final String ALICE = "alice";
    private static final int CHUNK = 64 * 1024;
    /** Far more than a window of chunks, so a download held after a few chunks is held midway. */
    private static final int SIZE = 200 * CHUNK + 4321;
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path local;

    private NodeFixture node;
    private CuttingProxy proxy;
    private AldisClient client;
    private Path source;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").files().start();
        proxy = new CuttingProxy(node.tcpPort());
        client = node.connect(node.clientBuilder(ALICE).address("127.0.0.1", proxy.port()));
        byte[] bytes = new byte[SIZE];
        new Random(SIZE).nextBytes(bytes);
        source = Files.write(local.resolve("source.bin"), bytes);
        client.upload(source, "big.bin", TransferOptions.defaults().withChunkSize(CHUNK))
                .result().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        proxy.close();
        node.close();
    }

    /** A download of big.bin whose progress callback holds the callback thread once, midway. */
    private final class HeldDownload {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch go = new CountDownLatch(1);
        final Transfer transfer;
        final Path target = local.resolve("back.bin");

        HeldDownload() {
            AtomicBoolean once = new AtomicBoolean();
            // Without compression every chunk is one the client keeps in the connection's buffer.
            TransferOptions options = TransferOptions.defaults().withCompression(Compression.NONE)
                    .withProgressInterval(Duration.ZERO).withProgress(p -> {
                        if (p.bytesDone() >= 4L * CHUNK && once.compareAndSet(false, true)) {
                            held.countDown();
                            try {
                                go.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    });
            transfer = client.download("big.bin", target, options);
        }

        /** Waits until the callback thread is held and more chunks have come in behind it. */
        void awaitHeldWithChunksWaiting() throws Exception {
            assertThat(held.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the download reached its midpoint").isTrue();
            long framesThen = client.stats().framesReceived();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (client.stats().framesReceived() < framesThen + 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(client.stats().framesReceived()).as("chunks that came while the callback thread was held")
                    .isGreaterThanOrEqualTo(framesThen + 3);
            assertThat(transfer.result()).isNotDone();
        }

        void letGo() {
            go.countDown();
        }
    }

    @Test
    void aDownloadWhoseConnectionIsLostMidwayGoesOnAndReleasesWhatWasOnItsWay() throws Exception {
        HeldDownload download = new HeldDownload();
        download.awaitHeldWithChunksWaiting();
        proxy.cut();
        download.letGo();

        TransferResult result = download.transfer.result().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(result.resumed()).isTrue();
        assertThat(Files.readAllBytes(download.target)).isEqualTo(Files.readAllBytes(source));
        assertThat(proxy.accepted()).isGreaterThan(1);
    }

    @Test
    void aDownloadCancelledMidwayReleasesWhatWasOnItsWay() throws Exception {
        HeldDownload download = new HeldDownload();
        download.awaitHeldWithChunksWaiting();
        download.transfer.cancel();
        download.letGo();

        assertFailsWith(download.transfer, ErrorCode.CANCELLED);
        assertThat(download.target).doesNotExist();
    }

    @Test
    void aDownloadTheNodeAbortsMidwayReleasesWhatWasOnItsWay() throws Exception {
        HeldDownload download = new HeldDownload();
        download.awaitHeldWithChunksWaiting();
        assertThat(node.files().cancel(download.transfer.id().orElseThrow())).isTrue();
        download.letGo();

        assertFailsWith(download.transfer, ErrorCode.CANCELLED);
        assertThat(download.target).doesNotExist();
    }

    @Test
    void closingTheClientMidwayReleasesWhatWasOnItsWay() throws Exception {
        HeldDownload download = new HeldDownload();
        download.awaitHeldWithChunksWaiting();
        var closed = client.close();
        download.letGo();
        closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        client = null;

        assertThatThrownBy(() -> download.transfer.result().get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(FileTransferException.class);
        assertThat(download.target).doesNotExist();
    }

    private static void assertFailsWith(Transfer transfer, ErrorCode code) {
        assertThatThrownBy(() -> transfer.result().get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(FileTransferException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
