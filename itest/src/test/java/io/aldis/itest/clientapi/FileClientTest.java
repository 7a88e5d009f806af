package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.client.AldisClient;
import io.aldis.client.AldisException;
import io.aldis.client.FilePage;
import io.aldis.client.FileTransferException;
import io.aldis.client.RemoteFile;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.itest.support.CuttingProxy;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Java client's file transfer against a real node with the file-transfer feature, over a real
 * socket (docs/protocol.md 6.5): what goes up comes down byte for byte, lists and removes, errors in
 * the protocol's codes, and transfers that go on through a connection cut several times.
 */
@ExtendWith(LeakWatch.class)
class FileClientTest {
    private static final String ALICE = "alice";
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path local;

    private NodeFixture node;
    private AldisClient client;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").files().start();
        client = node.connect(ALICE);
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        node.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3 * CHUNK, 3 * CHUNK + 12345})
    void whatGoesUpComesDownByteForByte(int size) throws Exception {
        for (boolean compressible : new boolean[] {false, true}) {
            Path source = write("source-" + size + "-" + compressible, size, compressible);
            String name = "dir/f-" + size + "-" + compressible + ".bin";
            TransferResult up = client.upload(source, name, TransferOptions.defaults().withChunkSize(CHUNK))
                    .result().get(60, TimeUnit.SECONDS);
            assertThat(up.size()).isEqualTo(size);
            assertThat(up.sha256Hex()).isEqualTo(sha256(source));

            Path target = local.resolve("back-" + size + "-" + compressible);
            TransferResult down = client.download(name, target).result().get(60, TimeUnit.SECONDS);
            assertThat(down.sha256Hex()).isEqualTo(sha256(source));
            assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(source));
        }
    }

    @Test
    void everyCompressionGivesTheSameFile() throws Exception {
        Path source = write("text", 5 * CHUNK + 7, true);
        for (Compression compression : Compression.values()) {
            String name = "c-" + compression + ".log";
            client.upload(source, name, TransferOptions.defaults().withChunkSize(CHUNK).withCompression(compression))
                    .result().get(60, TimeUnit.SECONDS);
            Path target = local.resolve("c-" + compression);
            client.download(name, target, TransferOptions.defaults().withCompression(compression))
                    .result().get(60, TimeUnit.SECONDS);
            assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(source));
        }
    }

    @Test
    void listedByPatternAndRemoved() throws Exception {
        Path source = write("small", 100, false);
        for (String name : new String[] {"a.txt", "b.txt", "logs/c.log", "logs/old/d.log"}) {
            client.upload(source, name).result().get(60, TimeUnit.SECONDS);
        }
        FilePage logs = client.list("**/*.log", 0, 10).get(10, TimeUnit.SECONDS);
        assertThat(logs.totalCount()).isEqualTo(2);
        assertThat(logs.entries()).extracting(RemoteFile::name).containsExactly("logs/c.log", "logs/old/d.log");
        assertThat(logs.entries()).allSatisfy(f -> assertThat(f.size()).isEqualTo(100));

        FilePage second = client.list("*", 1, 1).get(10, TimeUnit.SECONDS);
        assertThat(second.totalCount()).isEqualTo(2);
        assertThat(second.entries()).extracting(RemoteFile::name).containsExactly("b.txt");

        client.remove("a.txt").get(10, TimeUnit.SECONDS);
        assertThat(client.list("*.txt", 0, 10).get(10, TimeUnit.SECONDS).entries())
                .extracting(RemoteFile::name).containsExactly("b.txt");
        assertThatThrownBy(() -> client.remove("a.txt").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(AldisException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_NOT_FOUND_ON_SERVER));
    }

    @Test
    void errorsCarryTheProtocolsCodes() throws Exception {
        assertCode(() -> client.download("missing.bin", local.resolve("missing")).result().get(10, TimeUnit.SECONDS),
                ErrorCode.FILE_NOT_FOUND_ON_SERVER);
        assertThat(local.resolve("missing")).doesNotExist();
        Path source = write("escape", 10, false);
        assertCode(() -> client.upload(source, "../escape.bin").result().get(10, TimeUnit.SECONDS),
                ErrorCode.INVALID_FILE_NAME);
    }

    @Test
    void transfersGoOnThroughACutConnection() throws Exception {
        client.close();
        try (CuttingProxy proxy = new CuttingProxy(node.tcpPort())) {
            client = node.connect(node.clientBuilder(ALICE).address("127.0.0.1", proxy.port()));
            Path source = write("big", 16 * 1024 * 1024 + 3, false);
            AtomicLong nextCut = new AtomicLong(2 * 1024 * 1024);
            TransferOptions cutting = TransferOptions.defaults().withChunkSize(CHUNK).withProgressInterval(Duration.ZERO)
                    .withProgress(p -> {
                long at = nextCut.get();
                if (p.bytesDone() >= at && at < 12 * 1024 * 1024 && nextCut.compareAndSet(at, at + 4 * 1024 * 1024)) {
                    proxy.cut();
                }
            });
            TransferResult up = client.upload(source, "big.bin", cutting).result().get(120, TimeUnit.SECONDS);
            assertThat(up.resumed()).isTrue();
            assertThat(up.sha256Hex()).isEqualTo(sha256(source));

            nextCut.set(2 * 1024 * 1024);
            Path target = local.resolve("big-back");
            TransferResult down = client.download("big.bin", target, cutting).result().get(120, TimeUnit.SECONDS);
            assertThat(down.resumed()).isTrue();
            assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(source));
            assertThat(proxy.accepted()).isGreaterThan(2);
        }
    }

    /**
     * An upload reads chunks ahead into direct buffers and sends those that go uncompressed from
     * there (chunks large enough to be judged by a sample; the node's default chunk size); one cancelled,
     * and one whose client closes, with chunks read and not yet sent, leave none of those buffers
     * unreleased (LeakWatch fails the class otherwise).
     */
    @Test
    void uploadsStoppedMidwayLeaveNoBufferBehind() throws Exception {
        Path source = write("stopped", 64 * 1024 * 1024, false);
        Transfer[] cancelled = new Transfer[1];
        CountDownLatch started = new CountDownLatch(1);
        cancelled[0] = client.upload(source, "cancelled.bin", stopAfterTwoMiB(() -> {
            awaitQuietly(started);
            cancelled[0].cancel();
        }));
        started.countDown();
        assertCode(() -> cancelled[0].result().get(60, TimeUnit.SECONDS), ErrorCode.CANCELLED);

        AldisClient closing = client;
        Transfer closed = closing.upload(source, "closed.bin", stopAfterTwoMiB(closing::close));
        assertThatThrownBy(() -> closed.result().get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        client = null;
        closing.close().get(10, TimeUnit.SECONDS);
    }

    /**
     * Options with the default chunk size that run {@code stop} once, from the progress callback,
     * when 2 MiB are acknowledged.
     */
    private static TransferOptions stopAfterTwoMiB(Runnable stop) {
        AtomicBoolean stopped = new AtomicBoolean();
        return TransferOptions.defaults().withProgressInterval(Duration.ZERO).withProgress(p -> {
            if (p.bytesDone() >= 2 * 1024 * 1024 && stopped.compareAndSet(false, true)) {
                stop.run();
            }
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertCode(Call call, ErrorCode code) {
        assertThatThrownBy(call::run).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(FileTransferException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private Path write(String name, int size, boolean compressible) throws Exception {
        byte[] bytes = new byte[size];
        if (compressible) {
            byte[] line = "2026-12-05T12:00:00Z INFO a line of a log that compresses well\n"
                    .getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < size; i++) {
                bytes[i] = line[i % line.length];
            }
        } else {
            new Random(size).nextBytes(bytes);
        }
        return Files.write(local.resolve(name), bytes);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
