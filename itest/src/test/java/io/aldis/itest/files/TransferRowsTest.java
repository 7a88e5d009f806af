package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesAdmin.TransferRow;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.files.FileResumeTest.MovableClock;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.files.ChunkLayout;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code aldis:transfer-list} shows of a transfer: how far it got, its rate and the time left. */
class TransferRowsTest {
    static final int CHUNK = 64 * 1024;

    @TempDir
    Path root;
    final MovableClock clock = new MovableClock();
    NodeFixture node;

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void aRunningUploadShowsBytesDoneItsRateSinceItStartedAndTheTimeLeft() throws Exception {
        node = NodeFixture.builder().user("alice", "user").clock(clock)
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, CHUNK).withWindow(4)).start();
        byte[] file = FileClient.random(4 * CHUNK, 7);
        FrameClient alice = node.login("alice");
        UploadAccept accept = FileClient.accepted(alice, 1, "four.bin", file, CHUNK, Compression.NONE);
        clock.now = clock.now.plus(Duration.ofMillis(100));
        FileClient.sendChunks(alice, accept.transferId(), file, new ChunkLayout(file.length, CHUNK), 0, 2, 4,
                Compression.NONE);

        TransferRow running = node.files().transfers().get(0);
        assertThat(running.done()).isEqualTo(2);
        assertThat(running.total()).isEqualTo(4);
        assertThat(running.bytesDone()).isEqualTo(2 * CHUNK);
        assertThat(running.bytesPerSecond()).isEqualTo(2 * CHUNK / 0.1);
        assertThat(running.secondsLeft()).isEqualTo(1);
        assertThat(running.state()).isEqualTo("running");
    }
}
