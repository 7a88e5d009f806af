package io.aldis.itest.files;

import static io.aldis.itest.files.FileClient.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage root on a real file system that fills up or turns read-only: a 4 MiB tmpfs mounted
 * for the test, filled by another writer in the middle of an upload, and remounted read-only.
 * {@link FileStorageFaultsTest} plays the same faults with a store that pretends; this test checks
 * that the node reads the kernel's own answers the same way: clear codes, the upload kept at its
 * checkpoint, the verified file kept and served.
 *
 * <p>Mounting needs root (or {@code CAP_SYS_ADMIN}); elsewhere the tests are skipped, and say so.
 */
class RealDiskFaultsTest {
    private static final int CHUNK = 64 * 1024;
    private static final String DISK_SIZE = "4m";

    @TempDir
    Path dir;
    private Path root;
    private boolean mounted;
    private NodeFixture node;
    private final byte[] kept = FileClient.random(5 * CHUNK + 17, 1);
    private final byte[] file = FileClient.random(24 * CHUNK - 3, 2);
    private final ChunkLayout layout = new ChunkLayout(file.length, CHUNK);

    @BeforeEach
    void mountAndStart() throws Exception {
        root = Files.createDirectories(dir.resolve("disk"));
        String failure = run("mount", "-t", "tmpfs", "-o", "size=" + DISK_SIZE + ",mode=700", "aldis-test", root.toString());
        Assumptions.assumeTrue(failure == null, () -> "a tmpfs cannot be mounted here (needs root): " + failure);
        mounted = true;
        node = NodeFixture.builder().user("alice", "user")
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, CHUNK).withWindow(4))
                .start();
    }

    @AfterEach
    void stopAndUnmount() throws Exception {
        if (node != null) {
            node.close();
        }
        if (mounted) {
            run("umount", "-l", root.toString());
        }
    }

    /** Runs a command; null when it succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException noSuchCommand) {
            return noSuchCommand.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not end";
        }
        return p.exitValue() == 0 ? null : String.join(" ", command) + ": " + out;
    }

    @Test
    void aDiskFilledByAnotherWriterStopsTheUploadWithStorageFullAndItGoesOnOnceThereIsRoom() throws Exception {
        FrameClient c = node.login("alice");
        assertThat(FileClient.upload(c, "kept.bin", kept, CHUNK, Compression.NONE).verified()).isTrue();
        UploadAccept accept = FileClient.accepted(c, 2, "big.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(c, accept.transferId(), file, layout, 0, 4, 1, Compression.NONE);

        // Another program takes every block that is left.
        Path filler = root.resolve("filler");
        assertThat(run("dd", "if=/dev/zero", "of=" + filler, "bs=64k")).as("dd stops at a full disk").isNotNull();
        assertThat(Files.getFileStore(root).getUsableSpace()).isLessThan(CHUNK);

        TransferAbort full = null;
        for (int index = 4; full == null && index < layout.chunkCount(); index++) {
            c.send(FileClient.chunk(accept.transferId(), file, layout, index, Compression.NONE));
            Frame answer = c.next(f -> f instanceof TransferAbort || f instanceof ChunkAck);
            full = answer instanceof TransferAbort abort ? abort : null;
        }
        assertThat(full).as("the upload stopped").isNotNull();
        assertThat(full.code()).isEqualTo(ErrorCode.STORAGE_FULL.code());
        assertThat(full.resumable()).as("kept at its checkpoint").isTrue();
        assertThat(full.reason()).startsWith("the node's storage is full: ");
        assertThat(full.details()).contains("\"available\":").contains("\"requested\":");

        Frame refused = FileClient.request(c, 3, "more.bin", kept, CHUNK, Compression.NONE);
        assertThat(refused).isInstanceOf(UploadReject.class);
        assertThat(((UploadReject) refused).code()).isEqualTo(ErrorCode.STORAGE_FULL.code());
        assertThat(FileClient.download(c, "kept.bin", CHUNK, Compression.NONE).bytes()).as("the verified file is served")
                .isEqualTo(kept);
        assertKeptFileIntactAndBigFileUnpublished();

        Files.delete(filler);
        finish(c, accept);
    }

    @Test
    void aStorageRemountedReadOnlyRefusesUploadsWithClearCodesServesItsFilesAndTheUploadGoesOnOnceWritable()
            throws Exception {
        FrameClient c = node.login("alice");
        assertThat(FileClient.upload(c, "kept.bin", kept, CHUNK, Compression.NONE).verified()).isTrue();
        UploadAccept accept = FileClient.accepted(c, 2, "big.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(c, accept.transferId(), file, layout, 0, 4, 1, Compression.NONE);
        c.close(); // the upload stops at its checkpoint and lets go of its partial file

        // The kernel refuses a read-only remount while a file is open for writing: wait until the node closed it.
        String refused = "not tried";
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); refused != null && System.nanoTime() < end;) {
            refused = run("mount", "-o", "remount,ro", root.toString());
            if (refused != null) {
                Thread.sleep(100);
            }
        }
        assertThat(refused).as("remounted read-only").isNull();

        FrameClient again = node.login("alice");
        again.send(new ResumeRequest(5, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()));
        ErrorFrame notNow = again.await(ErrorFrame.class);
        assertThat(notNow.requestId()).isEqualTo(5);
        assertThat(notNow.code()).isEqualTo(ErrorCode.STORAGE_ERROR.code());
        assertThat(notNow.message()).isEqualTo("the node could not reopen the partial file");
        Frame refusedUpload = FileClient.request(again, 6, "new.bin", kept, CHUNK, Compression.NONE);
        assertThat(refusedUpload).isInstanceOf(UploadReject.class);
        assertThat(((UploadReject) refusedUpload).code()).isEqualTo(ErrorCode.STORAGE_ERROR.code());
        assertThat(((UploadReject) refusedUpload).reason()).isEqualTo("the node could not start storing the file");
        assertThat(FileClient.download(again, "kept.bin", CHUNK, Compression.NONE).bytes()).isEqualTo(kept);
        assertKeptFileIntactAndBigFileUnpublished();

        assertThat(run("mount", "-o", "remount,rw", root.toString())).as("writable again").isNull();
        finish(again, accept);
    }

    private void assertKeptFileIntactAndBigFileUnpublished() throws IOException {
        Path area = root.resolve("alice");
        assertThat(Files.readAllBytes(area.resolve("kept.bin"))).isEqualTo(kept);
        assertThat(area.resolve("big.bin")).doesNotExist();
    }

    /** Resumes the stopped upload, sends what is missing, and checks the published file. */
    private void finish(FrameClient c, UploadAccept accept) throws Exception {
        c.send(new ResumeRequest(9, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()));
        ResumeResponse resumed = c.await(ResumeResponse.class);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksMissing()).isNotEmpty().allSatisfy(r -> assertThat(r.first()).isGreaterThan(0));
        FileClient.sendMissingAndComplete(c, accept.transferId(), file, layout, resumed);
        assertThat(Files.readAllBytes(root.resolve("alice").resolve("big.bin"))).isEqualTo(file);
        assertThat(Files.readAllBytes(root.resolve("alice").resolve("kept.bin"))).isEqualTo(kept);
    }
}
