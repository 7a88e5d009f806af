package io.aldis.client.internal;

import static io.aldis.client.internal.PlayedFiles.decode;
import static io.aldis.client.internal.PlayedFiles.randomBytes;
import static io.aldis.client.internal.PlayedFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.aldis.client.FileTransferException;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferProgress;
import io.aldis.client.TransferResult;
import io.aldis.client.internal.files.FileTransfers;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Uploads against a node played strictly by docs/protocol.md 6.5.2 and 6.5.3. */
class FileUploadTest {
    private static final UUID TRANSFER = UUID.fromString("5d1c7a80-3e0f-4b6a-9d7e-2c4b8a1f0e93");
    private static final int CHUNK = 1024;

    @TempDir
    Path dir;
    private final PlayedFiles files = new PlayedFiles();
    private final List<TransferProgress> progress = new CopyOnWriteArrayList<>();

    @AfterEach
    void nothingLeftOver() throws Exception {
        files.close();
    }

    private TransferOptions options() {
        return TransferOptions.defaults().withChunkSize(CHUNK).withCheckpointDirectory(dir.resolve("checkpoints"))
                .withProgress(progress::add).withProgressInterval(Duration.ZERO);
    }

    private Path file(byte[] content) throws Exception {
        Path file = dir.resolve("source.bin");
        Files.write(file, content);
        return file;
    }

    /**
     * Plays the node's side of the chunks: takes what the client sends, never more than
     * {@code window} unacknowledged, acknowledges the oldest when the client waits, and returns the
     * file as it arrived.
     */
    private byte[] receive(ChunkLayout layout, int window) {
        byte[][] chunks = new byte[layout.chunkCount()][];
        ArrayDeque<Integer> unacked = new ArrayDeque<>();
        int received = 0;
        while (received < layout.chunkCount()) {
            Frame frame = files.poll();
            if (frame == null) {
                assertThat(unacked).as("the client waits only for acknowledgements").isNotEmpty();
                files.send(new ChunkAck(TRANSFER, unacked.poll()));
                continue;
            }
            assertThat(frame).isInstanceOf(ChunkData.class);
            ChunkData data = (ChunkData) frame;
            assertThat(data.transferId()).isEqualTo(TRANSFER);
            assertThat(chunks[data.chunkIndex()]).as("chunk %d sent once", data.chunkIndex()).isNull();
            assertThat(data.last()).isEqualTo(data.chunkIndex() == layout.chunkCount() - 1);
            chunks[data.chunkIndex()] = decode(data, layout);
            unacked.add(data.chunkIndex());
            assertThat(unacked.size()).as("chunks sent and not acknowledged").isLessThanOrEqualTo(window);
            received++;
        }
        while (!unacked.isEmpty()) {
            files.send(new ChunkAck(TRANSFER, unacked.poll()));
        }
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        for (byte[] chunk : chunks) {
            whole.writeBytes(chunk);
        }
        return whole.toByteArray();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 4 * CHUNK, 5 * CHUNK + 123})
    void uploadsTheFileInChunksWithinTheWindowAndItsHashLast(int size) throws Exception {
        byte[] content = randomBytes(size, size);
        files.open();
        Transfer upload = files.client().upload(file(content), "reports/q4.bin", options());

        UploadRequest request = files.next(UploadRequest.class);
        ChunkLayout layout = new ChunkLayout(size, CHUNK);
        assertThat(request.fileName()).isEqualTo("reports/q4.bin");
        assertThat(request.fileSize()).isEqualTo(size);
        assertThat(request.fileHash()).as("the hash comes with UPLOAD_COMPLETE").isEqualTo(new byte[32]);
        assertThat(request.chunkCount()).isEqualTo(layout.chunkCount());
        assertThat(request.chunkSize()).isEqualTo(CHUNK);
        assertThat(request.compression()).as("adaptive: both sides have LZ4").isEqualTo(Compression.ADAPTIVE);
        files.noMoreOutbound();

        files.send(new UploadAccept(request.requestId(), TRANSFER, CHUNK, 2));
        assertThat(upload.id()).contains(TRANSFER);
        byte[] arrived = receive(layout, 2);
        assertThat(arrived).isEqualTo(content);

        UploadComplete complete = files.next(UploadComplete.class);
        assertThat(complete.transferId()).isEqualTo(TRANSFER);
        assertThat(complete.fileHash()).isEqualTo(sha256(content));
        files.noMoreOutbound();
        assertThat(upload.result()).isNotDone();

        files.send(new UploadVerify(true, TRANSFER, sha256(content), "reports/q4.bin"));
        TransferResult result = upload.result().get(10, TimeUnit.SECONDS);
        assertThat(result.remoteName()).isEqualTo("reports/q4.bin");
        assertThat(result.size()).isEqualTo(size);
        assertThat(result.sha256()).isEqualTo(sha256(content));
        assertThat(result.chunksResent()).isZero();
        assertThat(result.resumed()).isFalse();
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).bytesDone()).isEqualTo(size);
        assertThat(progress.get(progress.size() - 1).complete()).isTrue();
        assertThat(Files.list(dir.resolve("checkpoints"))).as("the checkpoint is gone with the upload").isEmpty();
    }

    @Test
    void followsTheSmallerChunkSizeTheNodeAccepts() throws Exception {
        byte[] content = randomBytes(3000, 7);
        files.open();
        Transfer upload = files.client().upload(file(content), "a.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        assertThat(request.chunkCount()).isEqualTo(3);

        files.send(new UploadAccept(request.requestId(), TRANSFER, 500, 8));
        assertThat(receive(new ChunkLayout(3000, 500), 8)).isEqualTo(content);
        assertThat(files.next(UploadComplete.class).fileHash()).isEqualTo(sha256(content));
        files.send(new UploadVerify(true, TRANSFER, sha256(content), "a.bin"));
        assertThat(upload.result().get(10, TimeUnit.SECONDS).size()).isEqualTo(3000);
    }

    @Test
    void aNackedChunkIsReadAgainAndResent() throws Exception {
        byte[] content = randomBytes(3 * CHUNK, 42);
        files.open();
        Transfer upload = files.client().upload(file(content), "n.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        files.send(new UploadAccept(request.requestId(), TRANSFER, CHUNK, 4));
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        for (int i = 0; i < 3; i++) {
            assertThat(files.next(ChunkData.class).chunkIndex()).isEqualTo(i);
        }
        files.send(new ChunkAck(TRANSFER, 0), new ChunkNack(TRANSFER, 1, ErrorCode.CHUNK_CHECKSUM_ERROR.code()));

        ChunkData again = files.next(ChunkData.class);
        assertThat(again.chunkIndex()).isEqualTo(1);
        assertThat(decode(again, layout)).isEqualTo(java.util.Arrays.copyOfRange(content, CHUNK, 2 * CHUNK));
        files.noMoreOutbound();
        files.send(new ChunkAck(TRANSFER, 1), new ChunkAck(TRANSFER, 2));
        assertThat(files.next(UploadComplete.class).fileHash()).isEqualTo(sha256(content));
        files.send(new UploadVerify(true, TRANSFER, sha256(content), "n.bin"));
        assertThat(upload.result().get(10, TimeUnit.SECONDS).chunksResent()).isEqualTo(1);
    }

    @Test
    void anUnverifiedUploadFailsWithHashMismatch() throws Exception {
        byte[] content = randomBytes(10, 1);
        files.open();
        Transfer upload = files.client().upload(file(content), "x.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        files.send(new UploadAccept(request.requestId(), TRANSFER, CHUNK, 4));
        receive(new ChunkLayout(10, CHUNK), 4);
        files.next(UploadComplete.class);
        files.send(new UploadVerify(false, TRANSFER, new byte[32], ""));
        assertThat(failure(upload).code()).isEqualTo(ErrorCode.FILE_HASH_MISMATCH);
    }

    @Test
    void aMissingLocalFileFailsInPlainWords() throws Exception {
        files.open();
        Transfer upload = files.client().upload(dir.resolve("missing.bin"), "m.bin", options());
        FileTransferException failure = failure(upload);
        assertThat(failure.code()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(failure.reason()).isEqualTo("cannot read " + dir.resolve("missing.bin") + ": no such file or directory");
        files.noMoreOutbound();
    }

    @Test
    void storageFullSaysWhatIsAvailableAndWhatWasRequested() throws Exception {
        files.open();
        Transfer upload = files.client().upload(file(randomBytes(50, 3)), "big.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        files.send(new UploadReject(request.requestId(), ErrorCode.STORAGE_FULL.code(), "Insufficient storage space",
                "{\"available\": 10, \"requested\": 50}"));
        FileTransferException failure = failure(upload);
        assertThat(failure.code()).isEqualTo(ErrorCode.STORAGE_FULL);
        assertThat(failure.available()).hasValue(10);
        assertThat(failure.requested()).hasValue(50);
        assertThat(failure.reason()).contains("10 bytes available, 50 requested").contains("Insufficient storage space");
    }

    @Test
    void quotaExceededAndPolicyRefusalsKeepTheirCodes() throws Exception {
        files.open();
        Transfer quota = files.client().upload(file(randomBytes(50, 3)), "q.bin", options());
        UploadRequest first = files.next(UploadRequest.class);
        files.send(new UploadReject(first.requestId(), ErrorCode.QUOTA_EXCEEDED.code(), "quota",
                "{\"available\":5,\"requested\":50}"));
        FileTransferException overQuota = failure(quota);
        assertThat(overQuota.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
        assertThat(overQuota.reason()).contains("quota").contains("5 bytes available, 50 requested");

        Transfer refused = files.client().upload(file(randomBytes(50, 3)), "virus.exe", options());
        UploadRequest second = files.next(UploadRequest.class);
        files.send(new UploadReject(second.requestId(), ErrorCode.UPLOAD_REJECTED.code(), "no executables", ""));
        FileTransferException policy = failure(refused);
        assertThat(policy.code()).isEqualTo(ErrorCode.UPLOAD_REJECTED);
        assertThat(policy.reason()).contains("no executables");
    }

    @Test
    void fileTooLargeSaysTheLimit() throws Exception {
        files.open();
        Transfer upload = files.client().upload(file(randomBytes(50, 3)), "big.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        files.send(new UploadReject(request.requestId(), ErrorCode.FILE_TOO_LARGE.code(), "too large", ""));
        FileTransferException failure = failure(upload);
        assertThat(failure.code()).isEqualTo(ErrorCode.FILE_TOO_LARGE);
        assertThat(failure.reason()).contains("50 bytes").contains("limit of " + (1L << 30) + " bytes");
    }

    @Test
    void cancelSendsTransferAbortCancelledAndFailsTheResult() throws Exception {
        byte[] content = randomBytes(4 * CHUNK, 5);
        files.open();
        Transfer upload = files.client().upload(file(content), "c.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        files.send(new UploadAccept(request.requestId(), TRANSFER, CHUNK, 2));
        files.next(ChunkData.class);
        files.next(ChunkData.class);

        upload.cancel();
        TransferAbort abort = files.next(TransferAbort.class);
        assertThat(abort.transferId()).isEqualTo(TRANSFER);
        assertThat(abort.code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(abort.resumable()).isFalse();
        FileTransferException failure = failure(upload);
        assertThat(failure.code()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(failure.reason()).contains("cancelled");

        files.send(new ChunkAck(TRANSFER, 0), new ChunkAck(TRANSFER, 1));
        files.noMoreOutbound();
        assertThat(Files.list(dir.resolve("checkpoints"))).isEmpty();
    }

    @Test
    void aFileThatShrinksWhileItIsSentEndsTheUploadOnBothSides() throws Exception {
        byte[] content = randomBytes(4 * CHUNK, 6);
        Path source = file(content);
        files.open();
        Transfer upload = files.client().upload(source, "s.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        Files.write(source, new byte[CHUNK]); // truncated before a byte was read
        files.send(new UploadAccept(request.requestId(), TRANSFER, CHUNK, 8));
        files.next(ChunkData.class);
        TransferAbort abort = files.next(TransferAbort.class);
        assertThat(abort.code()).isEqualTo(ErrorCode.STORAGE_ERROR.code());
        assertThat(abort.resumable()).isFalse();
        FileTransferException failure = failure(upload);
        assertThat(failure.code()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(failure.reason()).contains("source.bin");
        assertThat(Files.list(dir.resolve("checkpoints"))).isEmpty();
    }

    @Test
    void noChunkGoesWhileTheNodeHasPausedTheClient() throws Exception {
        byte[] content = randomBytes(6 * CHUNK, 8);
        files.open();
        Transfer upload = files.client().upload(file(content), "p.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        files.send(io.aldis.protocol.api.Pause.INSTANCE, new UploadAccept(request.requestId(), TRANSFER, CHUNK, 4));
        files.noMoreOutbound();

        files.send(io.aldis.protocol.api.Resume.INSTANCE);
        assertThat(receive(new ChunkLayout(content.length, CHUNK), 4)).isEqualTo(content);
        assertThat(files.next(UploadComplete.class).fileHash()).isEqualTo(sha256(content));
        files.send(new UploadVerify(true, TRANSFER, sha256(content), "p.bin"));
        upload.result().get(10, TimeUnit.SECONDS);
    }

    @Test
    void closingTheClientMidUploadSendsNoChunkAfterCloseAndKeepsTheCheckpoint() throws Exception {
        byte[] content = randomBytes(6 * CHUNK, 10);
        files.open();
        Transfer upload = files.client().upload(file(content), "c.bin", options());
        UploadRequest request = files.next(UploadRequest.class);
        files.send(new UploadAccept(request.requestId(), TRANSFER, CHUNK, 2));
        files.next(ChunkData.class);
        files.next(ChunkData.class);

        files.client().close();
        files.node.channel.runPendingTasks();
        files.next(io.aldis.protocol.api.Close.class);
        // The node finishes what was in flight (protocol.md 4.8); the client may send no more chunks.
        files.send(new ChunkAck(TRANSFER, 0), new ChunkAck(TRANSFER, 1));
        files.noMoreOutbound();
        files.send(io.aldis.protocol.api.CloseAck.INSTANCE);

        FileTransferException failure = failure(upload);
        assertThat(failure.code()).isEqualTo(ErrorCode.CONNECTION_LOST);
        assertThat(Files.list(dir.resolve("checkpoints"))).as("kept for the same upload later").hasSize(1);
    }

    @Test
    void progressIsRateLimitedButTheLastReportAlwaysComes() throws Exception {
        byte[] content = randomBytes(10 * CHUNK, 9);
        files.open();
        // The clock stands still: no interval ever passes, so only the report of the end may come.
        Transfer upload = files.client().upload(file(content), "p.bin", options().withProgressInterval(
                Duration.ofSeconds(1)));
        UploadRequest request = files.next(UploadRequest.class);
        files.send(new UploadAccept(request.requestId(), TRANSFER, CHUNK, 16));
        receive(new ChunkLayout(content.length, CHUNK), 16);
        files.next(UploadComplete.class);
        files.send(new UploadVerify(true, TRANSFER, sha256(content), "p.bin"));
        upload.result().get(10, TimeUnit.SECONDS);
        assertThat(progress).hasSize(1);
        assertThat(progress.get(0).bytesDone()).isEqualTo(content.length);
        assertThat(progress.get(0).fraction()).isEqualTo(1.0);
    }

    @Test
    void aLargeFileAgainstASlowNodeHoldsABoundedNumberOfChunks(@TempDir Path big) throws Exception {
        Path sparse = big.resolve("sparse-256m.bin");
        long size = 256L << 20;
        try (RandomAccessFile raf = new RandomAccessFile(sparse.toFile(), "rw")) {
            raf.setLength(size);
        }
        int chunk = 256 * 1024;
        files.open();
        Transfer upload = files.client().upload(sparse, "sparse.bin", TransferOptions.defaults()
                .withCheckpointDirectory(dir.resolve("checkpoints")));
        UploadRequest request = files.next(UploadRequest.class);
        assertThat(request.chunkSize()).as("the node's chunk size").isEqualTo(chunk);
        files.send(new UploadAccept(request.requestId(), TRANSFER, chunk, 8));
        ChunkLayout layout = new ChunkLayout(size, chunk);
        // The node acknowledges one chunk at a time, only once the client has nothing more to send.
        int acked = 0;
        ArrayDeque<Integer> unacked = new ArrayDeque<>();
        while (acked < layout.chunkCount()) {
            Frame frame = files.poll();
            if (frame instanceof ChunkData data) {
                unacked.add(data.chunkIndex());
                assertThat(unacked.size()).isLessThanOrEqualTo(8);
                continue;
            }
            assertThat(frame).isNull();
            files.send(new ChunkAck(TRANSFER, unacked.poll()));
            acked++;
        }
        files.next(UploadComplete.class);
        files.send(new UploadVerify(true, TRANSFER, new byte[32], "sparse.bin"));
        upload.result().get(30, TimeUnit.SECONDS);
        int held = FileTransfers.maxChunksHeld(upload);
        assertThat(held).as("chunks held at once by the pipeline").isPositive()
                .isLessThanOrEqualTo((32 << 20) / chunk).isLessThan(layout.chunkCount());
    }

    @Test
    void uploadsUnderwayAtOnceShareTheMemoryOneUploadMayHold() throws Exception {
        int chunk = 256 * 1024;
        int uploads = 4;
        int solo = (16 << 20) / chunk; // what one upload alone may read ahead
        Path source = file(randomBytes(2 * solo * chunk, 5));
        ChunkLayout layout = new ChunkLayout(Files.size(source), chunk);
        files.open();
        List<Transfer> started = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            started.add(files.client().upload(source, "copy-" + i + ".bin", TransferOptions.defaults()
                    .withChunkSize(chunk).withCheckpointDirectory(dir.resolve("checkpoints"))));
        }
        Map<UUID, ArrayDeque<Integer>> unacked = new LinkedHashMap<>();
        for (int i = 0; i < uploads; i++) {
            UUID id = new UUID(7, i);
            files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), id, chunk, 8));
            unacked.put(id, new ArrayDeque<>());
        }
        // Nothing is acknowledged yet: each upload sends its window and reads ahead as far as its share lets it.
        for (Frame frame = files.poll(); frame != null; frame = files.poll()) {
            ChunkData data = (ChunkData) frame;
            unacked.get(data.transferId()).add(data.chunkIndex());
        }
        for (Transfer upload : started) {
            assertThat(FileTransfers.maxChunksHeld(upload)).as("chunks held at once by one of four uploads")
                    .isPositive().isLessThanOrEqualTo(2 * solo / uploads);
        }

        int done = 0;
        while (done < uploads) {
            Frame frame = files.poll();
            if (frame instanceof ChunkData data) {
                unacked.get(data.transferId()).add(data.chunkIndex());
            } else if (frame instanceof UploadComplete complete) {
                files.send(new UploadVerify(true, complete.transferId(), complete.fileHash(), "copy.bin"));
                done++;
            } else {
                assertThat(frame).isNull();
                assertThat(unacked.values()).as("the uploads wait only for acknowledgements")
                        .anyMatch(waiting -> !waiting.isEmpty());
                for (Map.Entry<UUID, ArrayDeque<Integer>> waiting : unacked.entrySet()) {
                    Integer index = waiting.getValue().poll();
                    if (index != null) {
                        files.send(new ChunkAck(waiting.getKey(), index));
                    }
                }
            }
        }
        for (Transfer upload : started) {
            assertThat(upload.result().get(30, TimeUnit.SECONDS).size()).isEqualTo(layout.fileSize());
        }

        // The four are done: an upload alone has the whole bounds again.
        Transfer alone = files.client().upload(source, "alone.bin", TransferOptions.defaults()
                .withChunkSize(chunk).withCheckpointDirectory(dir.resolve("checkpoints")));
        UUID aloneId = new UUID(7, uploads);
        files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), aloneId, chunk, 8));
        ArrayDeque<Integer> aloneUnacked = new ArrayDeque<>();
        for (Frame frame = files.poll(); frame != null; frame = files.poll()) {
            aloneUnacked.add(((ChunkData) frame).chunkIndex());
        }
        assertThat(FileTransfers.maxChunksHeld(alone)).as("chunks held by an upload alone")
                .isGreaterThan(2 * solo / uploads);
        for (;;) {
            Frame frame = files.poll();
            if (frame instanceof UploadComplete complete) {
                files.send(new UploadVerify(true, aloneId, complete.fileHash(), "alone.bin"));
                break;
            }
            if (frame instanceof ChunkData data) {
                aloneUnacked.add(data.chunkIndex());
                continue;
            }
            assertThat(aloneUnacked).as("the upload waits only for acknowledgements").isNotEmpty();
            files.send(new ChunkAck(aloneId, aloneUnacked.poll()));
        }
        assertThat(alone.result().get(30, TimeUnit.SECONDS).size()).isEqualTo(layout.fileSize());
    }

    private static FileTransferException failure(Transfer transfer) throws Exception {
        Throwable thrown = catchThrowable(() -> transfer.result().get(10, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(FileTransferException.class);
        return (FileTransferException) thrown.getCause();
    }
}
