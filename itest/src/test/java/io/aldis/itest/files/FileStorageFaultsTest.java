package io.aldis.itest.files;

import static io.aldis.itest.files.FileClient.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.api.PartialFile;
import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.GatedFileStore;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up and a storage that turns read-only while files are uploaded: clear codes,
 * the upload kept at its checkpoint so it goes on once the storage takes data again, and nothing
 * that was verified before is lost. The faults come from a store that wraps the local one (the
 * tests run as any user, and root ignores a read-only mode), as a full or read-only file system
 * answers: "No space left on device" and "Read-only file system". {@link RealDiskFaultsTest} lets a
 * real file system answer, where the tests may mount one.
 */
class FileStorageFaultsTest {
    static final int CHUNK = 4096;

    @TempDir
    Path root;
    NodeFixture node;
    FaultyDisk disk;
    final byte[] kept = FileClient.random(3 * CHUNK + 17, 1);
    final byte[] file = FileClient.random(8 * CHUNK - 3, 2);
    final ChunkLayout layout = new ChunkLayout(file.length, CHUNK);

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user")
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, 64 * 1024).withWindow(1))
                .fileStore(store -> disk = new FaultyDisk(store))
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void aDiskThatFillsUpStopsTheUploadWithStorageFullAndItGoesOnOnceThereIsRoom() throws Exception {
        FrameClient c = node.login("alice");
        assertThat(FileClient.upload(c, "kept.bin", kept, CHUNK, Compression.NONE).verified()).isTrue();
        UploadAccept accept = FileClient.accepted(c, 2, "big.bin", file, CHUNK, Compression.NONE);

        disk.room.set(3 * CHUNK + 100);
        FileClient.sendChunks(c, accept.transferId(), file, layout, 0, 3, 1, Compression.NONE);
        c.send(FileClient.chunk(accept.transferId(), file, layout, 3, Compression.NONE));
        TransferAbort full = c.await(TransferAbort.class);
        assertThat(full.code()).isEqualTo(ErrorCode.STORAGE_FULL.code());
        assertThat(full.resumable()).as("kept at its checkpoint").isTrue();
        assertThat(full.reason()).isEqualTo("the node's storage is full: 100 bytes available, 4096 needed for the "
                + "next chunk");
        assertThat(full.details()).isEqualTo("{\"available\":100,\"requested\":4096}");
        assertKeptFileIntactAndBigFileUnpublished();

        disk.room.set(Long.MAX_VALUE);
        finish(c, accept);
    }

    @Test
    void aStorageThatTurnsReadOnlyRefusesNewUploadsStopsRunningOnesAndStillServesItsFiles() throws Exception {
        FrameClient c = node.login("alice");
        assertThat(FileClient.upload(c, "kept.bin", kept, CHUNK, Compression.NONE).verified()).isTrue();
        UploadAccept accept = FileClient.accepted(c, 2, "big.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(c, accept.transferId(), file, layout, 0, 2, 1, Compression.NONE);

        disk.readOnly.set(true);
        c.send(FileClient.chunk(accept.transferId(), file, layout, 2, Compression.NONE));
        TransferAbort stopped = c.await(TransferAbort.class);
        assertThat(stopped.code()).isEqualTo(ErrorCode.STORAGE_ERROR.code());
        assertThat(stopped.resumable()).isTrue();
        assertThat(stopped.reason()).isEqualTo("the node could not store the chunk");
        UploadReject refused = (UploadReject) FileClient.request(c, 3, "new.bin", kept, CHUNK, Compression.NONE);
        assertThat(refused.code()).isEqualTo(ErrorCode.STORAGE_ERROR.code());
        assertThat(refused.reason()).isEqualTo("the node could not start storing the file");
        assertThat(FileClient.download(c, "kept.bin", CHUNK, Compression.NONE).bytes()).isEqualTo(kept);
        assertKeptFileIntactAndBigFileUnpublished();

        disk.readOnly.set(false);
        finish(c, accept);
    }

    private void assertKeptFileIntactAndBigFileUnpublished() throws IOException {
        Path area = node.fileStore().root().resolve("alice");
        assertThat(Files.readAllBytes(area.resolve("kept.bin"))).isEqualTo(kept);
        assertThat(area.resolve("big.bin")).doesNotExist();
    }

    /** Resumes the stopped upload on the same session, sends what is missing, and checks the file. */
    private void finish(FrameClient c, UploadAccept accept) throws Exception {
        c.send(new ResumeRequest(9, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()));
        ResumeResponse resumed = c.await(ResumeResponse.class);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksMissing()).isNotEmpty().allSatisfy(r -> assertThat(r.first()).isGreaterThan(1));
        FileClient.sendMissingAndComplete(c, accept.transferId(), file, layout, resumed);
        assertThat(Files.readAllBytes(node.fileStore().root().resolve("alice").resolve("big.bin"))).isEqualTo(file);
    }

    /** The local store, on a disk with {@link #room} bytes left for data and that may turn read-only. */
    static final class FaultyDisk extends GatedFileStore {
        final AtomicLong room = new AtomicLong(Long.MAX_VALUE);
        final AtomicBoolean readOnly = new AtomicBoolean();

        FaultyDisk(FileStore store) {
            super(store);
        }

        @Override
        public PartialFile openPartial(String key) throws IOException {
            writable(key);
            return super.openPartial(key);
        }

        @Override
        protected void beforeWrite(String key, int bytes) throws IOException {
            writable(key);
            if (room.addAndGet(-bytes) < 0) {
                room.addAndGet(bytes);
                throw new IOException("No space left on device");
            }
        }

        @Override
        public void writeState(String key, byte[] state) throws IOException {
            writable(key);
            super.writeState(key, state);
        }

        @Override
        public long usableSpace() throws IOException {
            return Math.min(room.get(), delegate().usableSpace());
        }

        private void writable(String what) throws FileSystemException {
            if (readOnly.get()) {
                throw new FileSystemException(what, null, "Read-only file system");
            }
        }
    }
}
