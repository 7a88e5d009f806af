package io.aldis.client.internal;

import static io.aldis.client.internal.PlayedFiles.chunk;
import static io.aldis.client.internal.PlayedFiles.decode;
import static io.aldis.client.internal.PlayedFiles.randomBytes;
import static io.aldis.client.internal.PlayedFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers that go on after a broken connection, a resumable abort or a restart of the
 * application (docs/protocol.md 6.5.6, 6.5.7), against a played node.
 */
class FileResumeTest {
    private static final UUID TRANSFER = UUID.fromString("c2f4a6b8-1d3e-4f5a-8b7c-9d0e1f2a3b4c");
    private static final int CHUNK = 1024;

    @TempDir
    Path dir;
    private final List<PlayedFiles> clients = new CopyOnWriteArrayList<>();
    private PlayedFiles files = client();

    private PlayedFiles client() {
        PlayedFiles client = new PlayedFiles();
        clients.add(client);
        return client;
    }

    @AfterEach
    void nothingLeftOver() throws Exception {
        for (PlayedFiles client : clients) {
            client.close();
        }
    }

    private TransferOptions options() {
        return TransferOptions.defaults().withChunkSize(CHUNK).withCheckpointDirectory(dir.resolve("checkpoints"));
    }

    private Path source(byte[] content) throws Exception {
        Path file = dir.resolve("source.bin");
        Files.write(file, content);
        return file;
    }

    /** Takes the CHUNK_DATA frames the client wrote, until it writes no more. */
    private List<ChunkData> chunksSent() {
        List<ChunkData> sent = new ArrayList<>();
        Object frame;
        while ((frame = files.poll()) != null) {
            assertThat(frame).isInstanceOf(ChunkData.class);
            sent.add((ChunkData) frame);
        }
        return sent;
    }

    private static List<Integer> indexes(List<ChunkData> chunks) {
        return chunks.stream().map(ChunkData::chunkIndex).toList();
    }

    @Test
    void anUploadResumesAfterAReconnectAndSendsOnlyTheMissingChunks() throws Exception {
        byte[] content = randomBytes(6 * CHUNK + 10, 21);
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        files.open();
        Transfer upload = files.client().upload(source(content), "up.bin", options());
        files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), TRANSFER, CHUNK, 3));
        assertThat(indexes(chunksSent())).containsExactly(0, 1, 2);
        files.send(new ChunkAck(TRANSFER, 0), new ChunkAck(TRANSFER, 2));
        assertThat(indexes(chunksSent())).containsExactly(3, 4);

        files.cut(); // chunks 1, 3 and 4 are lost on the way
        files.reconnect(PlayedFiles.FILES);
        ResumeRequest resume = files.next(ResumeRequest.class);
        assertThat(resume.transferId()).isEqualTo(TRANSFER);
        assertThat(resume.direction()).isEqualTo(TransferDirection.UPLOAD);
        assertThat(resume.fileHash()).as("as UPLOAD_REQUEST announced it").isEqualTo(new byte[32]);
        assertThat(resume.chunksHeld()).containsExactly(new ChunkRange(0, 0), new ChunkRange(2, 2));
        files.noMoreOutbound();

        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.RESUMABLE, 7, CHUNK, 2,
                List.of(new ChunkRange(0, 0), new ChunkRange(2, 2)),
                List.of(new ChunkRange(1, 1), new ChunkRange(3, 6))));
        List<Integer> resent = new ArrayList<>();
        byte[][] arrived = new byte[7][];
        for (;;) {
            List<ChunkData> sent = chunksSent();
            assertThat(sent.size()).as("the window after the resume").isLessThanOrEqualTo(2);
            if (sent.isEmpty()) {
                break;
            }
            for (ChunkData data : sent) {
                resent.add(data.chunkIndex());
                arrived[data.chunkIndex()] = decode(data, layout);
            }
            for (ChunkData data : sent) {
                files.send(new ChunkAck(TRANSFER, data.chunkIndex()));
            }
            if (resent.size() == 5) {
                break;
            }
        }
        assertThat(resent).containsExactlyInAnyOrder(1, 3, 4, 5, 6);
        for (int i : List.of(1, 3, 4, 5, 6)) {
            assertThat(arrived[i]).isEqualTo(Arrays.copyOfRange(content, i * CHUNK,
                    (int) Math.min(content.length, (long) (i + 1) * CHUNK)));
        }
        assertThat(files.next(UploadComplete.class).fileHash()).isEqualTo(sha256(content));
        files.send(new UploadVerify(true, TRANSFER, sha256(content), "up.bin"));
        TransferResult result = upload.result().get(10, TimeUnit.SECONDS);
        assertThat(result.resumed()).isTrue();
        assertThat(result.chunksResent()).as("1, 3 and 4 went twice").isEqualTo(3);
    }

    /** The node verified the upload but UPLOAD_VERIFY was lost: the resume has nothing missing (protocol.md 6.5.7). */
    @Test
    void anUploadWhoseVerifyWasLostCompletesAgainWithoutSendingAChunk() throws Exception {
        byte[] content = randomBytes(3 * CHUNK + 5, 27);
        files.open();
        Transfer upload = files.client().upload(source(content), "up.bin", options());
        files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), TRANSFER, CHUNK, 8));
        for (ChunkData data : chunksSent()) {
            files.send(new ChunkAck(TRANSFER, data.chunkIndex()));
        }
        assertThat(files.next(UploadComplete.class).fileHash()).isEqualTo(sha256(content));

        files.cut(); // UPLOAD_VERIFY is lost
        files.reconnect(PlayedFiles.FILES);
        ResumeRequest resume = files.next(ResumeRequest.class);
        assertThat(resume.chunksHeld()).containsExactly(new ChunkRange(0, 3));
        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.RESUMABLE, 4, CHUNK, 8,
                List.of(new ChunkRange(0, 3)), List.of()));
        assertThat(files.next(UploadComplete.class).fileHash()).isEqualTo(sha256(content));
        assertThat(chunksSent()).isEmpty();
        files.send(new UploadVerify(true, TRANSFER, sha256(content), "up.bin"));
        TransferResult result = upload.result().get(10, TimeUnit.SECONDS);
        assertThat(result.resumed()).isTrue();
        assertThat(result.chunksResent()).isZero();
    }

    @Test
    void anUploadTheNodeNoLongerKnowsStartsAgainFromItsRequest() throws Exception {
        byte[] content = randomBytes(3 * CHUNK, 22);
        files.open();
        Transfer upload = files.client().upload(source(content), "up.bin", options());
        files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), TRANSFER, CHUNK, 8));
        chunksSent();
        files.send(new ChunkAck(TRANSFER, 0));
        files.cut();
        files.reconnect(PlayedFiles.FILES);
        ResumeRequest resume = files.next(ResumeRequest.class);
        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.NOT_FOUND, 0, 0, 0, List.of(),
                List.of()));

        UploadRequest again = files.next(UploadRequest.class);
        assertThat(again.fileName()).isEqualTo("up.bin");
        UUID second = UUID.randomUUID();
        files.send(new UploadAccept(again.requestId(), second, CHUNK, 8));
        List<ChunkData> sent = chunksSent();
        assertThat(indexes(sent)).containsExactly(0, 1, 2);
        files.send(new ChunkAck(second, 0), new ChunkAck(second, 2));
        files.send(new ChunkAck(TRANSFER, 1));
        files.noMoreOutbound(); // an ACK of the transfer given up is no ACK of the new one
        for (ChunkData data : sent) {
            assertThat(data.transferId()).isEqualTo(second);
        }
        files.send(new ChunkAck(second, 1));
        UploadComplete complete = files.next(UploadComplete.class);
        assertThat(complete.transferId()).isEqualTo(second);
        assertThat(complete.fileHash()).isEqualTo(sha256(content));
        files.send(new UploadVerify(true, second, sha256(content), "up.bin"));
        assertThat(upload.result().get(10, TimeUnit.SECONDS).size()).isEqualTo(content.length);
    }

    @Test
    void aResumableAbortGoesOnOnceFileTransferIsBack() throws Exception {
        byte[] content = randomBytes(4 * CHUNK, 23);
        files.open();
        Transfer upload = files.client().upload(source(content), "up.bin", options());
        files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), TRANSFER, CHUNK, 2));
        assertThat(indexes(chunksSent())).containsExactly(0, 1);
        files.send(new ChunkAck(TRANSFER, 0));
        assertThat(indexes(chunksSent())).containsExactly(2);

        // The node's file-transfer feature is being updated: it stops the transfer at its checkpoint,
        // then withdraws the capability. The abort comes first, while file transfer is still
        // offered, so the client asks at once; the node refuses until the feature is back.
        files.send(new TransferAbort(true, TRANSFER, ErrorCode.SHUTTING_DOWN.code(), "feature stopping", ""),
                new CapabilityChange(PlayedFiles.NO_FILES));
        ResumeRequest early = files.next(ResumeRequest.class);
        files.send(new io.aldis.protocol.api.ErrorFrame(early.requestId(), ErrorCode.CAPABILITY_UNAVAILABLE.code(),
                "file transfer is not available", ""));
        files.noMoreOutbound();
        assertThat(upload.result()).isNotDone();

        files.send(new CapabilityChange(PlayedFiles.FILES));
        ResumeRequest resume = files.next(ResumeRequest.class);
        assertThat(resume.transferId()).isEqualTo(TRANSFER);
        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.RESUMABLE, 4, CHUNK, 2,
                List.of(new ChunkRange(0, 0)), List.of(new ChunkRange(1, 3))));
        List<Integer> sent = new ArrayList<>();
        while (sent.size() < 3) {
            List<ChunkData> now = chunksSent();
            assertThat(now).isNotEmpty();
            for (ChunkData data : now) {
                sent.add(data.chunkIndex());
                files.send(new ChunkAck(TRANSFER, data.chunkIndex()));
            }
        }
        assertThat(sent).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(files.next(UploadComplete.class).fileHash()).isEqualTo(sha256(content));
        files.send(new UploadVerify(true, TRANSFER, sha256(content), "up.bin"));
        assertThat(upload.result().get(10, TimeUnit.SECONDS).resumed()).isTrue();
    }

    @Test
    void anAbortWithoutResumableFailsWithItsCode() throws Exception {
        files.open();
        Transfer upload = files.client().upload(source(randomBytes(3 * CHUNK, 24)), "up.bin", options());
        files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), TRANSFER, CHUNK, 8));
        chunksSent();
        files.send(new TransferAbort(false, TRANSFER, ErrorCode.STORAGE_ERROR.code(), "disk failed", ""));
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> upload.result().get(10, TimeUnit.SECONDS));
        io.aldis.client.FileTransferException failure = (io.aldis.client.FileTransferException) thrown.getCause();
        assertThat(failure.code()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(failure.reason()).contains("disk failed");
        assertThat(Files.list(dir.resolve("checkpoints"))).isEmpty();
    }

    @Test
    void aDownloadResumesAfterAReconnectAndAwaitsTheMissingChunks() throws Exception {
        byte[] content = randomBytes(4 * CHUNK, 25);
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        Path target = dir.resolve("down.bin");
        files.open();
        Transfer download = files.client().download("down.bin", target, options());
        DownloadRequest request = files.next(DownloadRequest.class);
        files.send(new DownloadAccept(request.requestId(), TRANSFER, content.length, sha256(content), 4, CHUNK,
                Compression.ADAPTIVE, 4));
        files.send(chunk(TRANSFER, content, layout, 0, Compression.ADAPTIVE),
                chunk(TRANSFER, content, layout, 2, Compression.ADAPTIVE));
        assertThat(files.next(ChunkAck.class).chunkIndex()).isEqualTo(0);
        assertThat(files.next(ChunkAck.class).chunkIndex()).isEqualTo(2);

        files.cut();
        files.reconnect(PlayedFiles.FILES);
        ResumeRequest resume = files.next(ResumeRequest.class);
        assertThat(resume.direction()).isEqualTo(TransferDirection.DOWNLOAD);
        assertThat(resume.fileHash()).isEqualTo(sha256(content));
        assertThat(resume.chunksHeld()).containsExactly(new ChunkRange(0, 0), new ChunkRange(2, 2));
        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.RESUMABLE, 4, CHUNK, 4,
                resume.chunksHeld(), List.of(new ChunkRange(1, 1), new ChunkRange(3, 3))));
        files.send(chunk(TRANSFER, content, layout, 3, Compression.ADAPTIVE),
                chunk(TRANSFER, content, layout, 1, Compression.ADAPTIVE));
        assertThat(files.next(ChunkAck.class).chunkIndex()).isEqualTo(3);
        assertThat(files.next(ChunkAck.class).chunkIndex()).isEqualTo(1);
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        assertThat(download.result().get(10, TimeUnit.SECONDS).resumed()).isTrue();
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
    }

    @Test
    void aNewClientGoesOnWithAnUploadFromItsCheckpoint() throws Exception {
        byte[] content = randomBytes(5 * CHUNK, 26);
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        Path source = source(content);
        files.open();
        Transfer first = files.client().upload(source, "up.bin", options());
        files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), TRANSFER, CHUNK, 2));
        assertThat(indexes(chunksSent())).containsExactly(0, 1);
        files.send(new ChunkAck(TRANSFER, 0), new ChunkAck(TRANSFER, 1));
        chunksSent();
        files.close(); // the application stops
        org.assertj.core.api.Assertions.catchThrowable(() -> first.result().get(10, TimeUnit.SECONDS));

        files = client(); // and starts again with the same command
        files.open();
        Transfer again = files.client().upload(source, "up.bin", options());
        ResumeRequest resume = files.next(ResumeRequest.class);
        assertThat(resume.transferId()).isEqualTo(TRANSFER);
        assertThat(resume.direction()).isEqualTo(TransferDirection.UPLOAD);
        assertThat(resume.chunksHeld()).containsExactly(new ChunkRange(0, 1));
        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.RESUMABLE, 5, CHUNK, 8,
                List.of(new ChunkRange(0, 1)), List.of(new ChunkRange(2, 4))));
        List<ChunkData> sent = chunksSent();
        assertThat(indexes(sent)).containsExactly(2, 3, 4);
        for (ChunkData data : sent) {
            assertThat(decode(data, layout)).isEqualTo(Arrays.copyOfRange(content, data.chunkIndex() * CHUNK,
                    (data.chunkIndex() + 1) * CHUNK));
            files.send(new ChunkAck(TRANSFER, data.chunkIndex()));
        }
        assertThat(files.next(UploadComplete.class).fileHash()).as("the whole file, read again").isEqualTo(
                sha256(content));
        files.send(new UploadVerify(true, TRANSFER, sha256(content), "up.bin"));
        assertThat(again.result().get(10, TimeUnit.SECONDS).resumed()).isTrue();
    }

    @Test
    void aChangedFileIsUploadedAfreshAfterARestart() throws Exception {
        byte[] content = randomBytes(3 * CHUNK, 27);
        Path source = source(content);
        files.open();
        Transfer first = files.client().upload(source, "up.bin", options());
        files.send(new UploadAccept(files.next(UploadRequest.class).requestId(), TRANSFER, CHUNK, 8));
        chunksSent();
        files.close();
        org.assertj.core.api.Assertions.catchThrowable(() -> first.result().get(10, TimeUnit.SECONDS));
        Files.write(source, randomBytes(3 * CHUNK, 28));
        Files.setLastModifiedTime(source, FileTime.fromMillis(Files.getLastModifiedTime(source).toMillis() + 5_000));

        files = client();
        files.open();
        files.client().upload(source, "up.bin", options());
        TransferAbort abandoned = files.next(TransferAbort.class);
        assertThat(abandoned.transferId()).as("the node may let the old chunks go").isEqualTo(TRANSFER);
        assertThat(abandoned.code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(abandoned.resumable()).isFalse();
        assertThat(files.next(UploadRequest.class).fileName()).as("no resume of a changed file").isEqualTo("up.bin");
    }
}
