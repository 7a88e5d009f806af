package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UPLOAD_CONFLICT through one node (docs/protocol.md 6.5.3): an upload publishes only over the
 * file its name held when it was accepted; when that file was replaced by another upload, or
 * removed, meanwhile, the upload ends with UPLOAD_CONFLICT and leaves nothing partial.
 */
class UploadConflictTest {
    private static final int CHUNK = 4096;

    @TempDir
    Path root;
    NodeFixture node;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user")
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, 64 * 1024)).start();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void ofTwoUploadsOfOneNameOnOneNodeTheFirstToCompleteWins() throws Exception {
        byte[] first = FileClient.random(5 * CHUNK, 1);
        byte[] second = FileClient.random(7 * CHUNK, 2);
        FrameClient one = node.login("alice");
        FrameClient other = node.login("alice");
        UploadAccept acceptOne = FileClient.accepted(one, 1, "same.bin", first, CHUNK, Compression.NONE);
        UploadAccept acceptOther = FileClient.accepted(other, 1, "same.bin", second, CHUNK, Compression.NONE);
        sendAll(one, acceptOne, first);
        sendAll(other, acceptOther, second);

        one.send(new UploadComplete(acceptOne.transferId(), FileClient.sha256(first)));
        assertThat(one.await(UploadVerify.class).verified()).isTrue();
        other.send(new UploadComplete(acceptOther.transferId(), FileClient.sha256(second)));
        assertConflict(other, "same.bin");

        assertThat(Files.readAllBytes(root.resolve("alice").resolve("same.bin"))).isEqualTo(first);
        assertNothingPartial();
    }

    @Test
    void anUploadOverAFileRemovedMeanwhileIsAConflict() throws Exception {
        byte[] old = FileClient.random(3 * CHUNK, 3);
        assertThat(FileClient.upload(node.login("alice"), "kept.bin", old, CHUNK, Compression.NONE).verified())
                .isTrue();
        byte[] next = FileClient.random(4 * CHUNK, 4);
        FrameClient c = node.login("alice");
        UploadAccept accept = FileClient.accepted(c, 1, "kept.bin", next, CHUNK, Compression.NONE);
        sendAll(c, accept, next);
        assertThat(node.files().remove("alice", "kept.bin")).isTrue();

        c.send(new UploadComplete(accept.transferId(), FileClient.sha256(next)));
        assertConflict(c, "kept.bin");
        assertThat(root.resolve("alice").resolve("kept.bin")).doesNotExist();
        assertNothingPartial();
    }

    private static void sendAll(FrameClient c, UploadAccept accept, byte[] file) throws Exception {
        ChunkLayout layout = new ChunkLayout(file.length, accept.chunkSize());
        FileClient.sendChunks(c, accept.transferId(), file, layout, 0, layout.chunkCount(), accept.window(),
                Compression.NONE);
    }

    private static void assertConflict(FrameClient c, String name) throws Exception {
        Frame answer = c.next(f -> f instanceof UploadVerify || f instanceof TransferAbort);
        assertThat(answer).isInstanceOf(TransferAbort.class);
        TransferAbort abort = (TransferAbort) answer;
        assertThat(abort.code()).isEqualTo(ErrorCode.UPLOAD_CONFLICT.code());
        assertThat(abort.resumable()).isFalse();
        assertThat(abort.reason()).contains(name, "changed after this upload began");
    }

    /** No partial data or checkpoint of an upload is left. */
    private void assertNothingPartial() throws Exception {
        try (Stream<Path> partials = Files.list(root.resolve(".aldis").resolve("partial"))) {
            assertThat(partials).isEmpty();
        }
        assertThat(node.files().context().checkpoints().ids()).isEmpty();
    }
}
