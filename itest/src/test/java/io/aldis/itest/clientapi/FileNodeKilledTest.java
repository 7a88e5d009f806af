package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.NodeFixture;
import io.aldis.itest.support.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the node in the middle of an upload: the node runs in a process of its own
 * ({@link ChildNode}), is killed while the Java client uploads, and is started again over the same
 * storage and port. The client reconnects on its own and the upload goes on from the node's last
 * checkpoint instead of from the first byte, and no partial file ever shows under the file's name.
 */
class FileNodeKilledTest {
    private static final int CHUNK = 512 * 1024;
    /** The node saves a checkpoint every 64 chunks it stored: past 80 acknowledged, one is saved. */
    private static final long SAVED = 64L * CHUNK;
    private static final long KILL_AFTER = 80L * CHUNK;
    private static final long SIZE = 192L * CHUNK + 12_345;
    private static final Duration PER_CHUNK = Duration.ofMillis(15);

    @TempDir
    Path dir;

    private Process node;
    private AldisClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (node != null) {
            node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anUploadGoesOnFromTheNodesCheckpointAfterTheNodeWasKilledAndStartedAgain() throws Exception {
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path source = TestFiles.random(dir.resolve("big.bin"), SIZE, 42);
        ChildNode.Started first = ChildNode.start(storage, 0, PER_CHUNK);
        node = first.process();
        client = AldisClient.builder()
                .address("127.0.0.1", first.port())
                .credentials(ChildNode.USER, NodeFixture.PASSWORD.toCharArray())
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(50), Duration.ofMillis(500), 200))
                .build();
        client.connect().get(30, TimeUnit.SECONDS);

        CountDownLatch pastACheckpoint = new CountDownLatch(1);
        AtomicBoolean killed = new AtomicBoolean();
        AtomicLong leastDoneAfterTheKill = new AtomicLong(Long.MAX_VALUE);
        TransferOptions options = TransferOptions.defaults()
                .withChunkSize(CHUNK)
                .withCheckpointDirectory(Files.createDirectories(dir.resolve("checkpoints")))
                .withProgressInterval(Duration.ZERO)
                .withProgress(p -> {
                    if (killed.get()) {
                        leastDoneAfterTheKill.accumulateAndGet(p.bytesDone(), Math::min);
                    } else if (p.bytesDone() >= KILL_AFTER) {
                        pastACheckpoint.countDown();
                    }
                });
        var upload = client.upload(source, "big.bin", options);
        assertThat(pastACheckpoint.await(60, TimeUnit.SECONDS)).as("the upload got past a checkpoint").isTrue();

        killed.set(true);
        node.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(upload.result()).as("the upload waits for the node").isNotDone();
        Path published = storage.resolve(ChildNode.USER).resolve("big.bin");
        assertThat(published).as("nothing under the file's name yet").doesNotExist();

        node = ChildNode.start(storage, first.port(), Duration.ZERO).process();
        TransferResult result = upload.result().get(120, TimeUnit.SECONDS);

        assertThat(result.resumed()).as("resumed").isTrue();
        assertThat(leastDoneAfterTheKill.get()).as("bytes the node held when the upload went on")
                .isGreaterThanOrEqualTo(SAVED);
        assertThat(result.size()).isEqualTo(SIZE);
        assertThat(TestFiles.sha256Hex(published)).isEqualTo(TestFiles.sha256Hex(source)).isEqualTo(result.sha256Hex());
    }
}
