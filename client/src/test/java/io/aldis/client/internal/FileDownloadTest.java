package io.aldis.client.internal;

import static io.aldis.client.internal.PlayedFiles.chunk;
import static io.aldis.client.internal.PlayedFiles.randomBytes;
import static io.aldis.client.internal.PlayedFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.aldis.client.FileTransferException;
import io.aldis.client.FilePage;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferProgress;
import io.aldis.client.TransferResult;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadReject;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.FileEntry;
import io.aldis.protocol.api.FileRemove;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.client.internal.files.FileTransfers;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Downloads, listing and removal against a node played strictly by docs/protocol.md 6.5.4, 6.5.5 and 6.5.7. */
class FileDownloadTest {
    private static final UUID TRANSFER = UUID.fromString("9a3e5b21-7c44-4f1d-8e6a-0b2d4c6e8f10");
    private static final int CHUNK = 1024;

    @TempDir
    Path dir;
    private final List<PlayedFiles> clients = new CopyOnWriteArrayList<>();
    private final List<TransferProgress> progress = new CopyOnWriteArrayList<>();
    private PlayedFiles files = client();

    private PlayedFiles client() {
        return client(Optional.of(PlayedFiles.BOOT));
    }

    /** A client on a machine in {@code boot}; empty: a machine that does not tell it. */
    private PlayedFiles client(Optional<UUID> boot) {
        PlayedFiles client = new PlayedFiles(() -> 0L, boot);
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
        return TransferOptions.defaults().withProgress(progress::add).withProgressInterval(Duration.ZERO);
    }

    private Path target() {
        return dir.resolve("report.pdf");
    }

    private static DownloadAccept accept(DownloadRequest request, byte[] content, byte[] announcedHash, int window) {
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        return new DownloadAccept(request.requestId(), TRANSFER, content.length, announcedHash, layout.chunkCount(),
                CHUNK, Compression.ADAPTIVE, window);
    }

    /** Sends chunks {@code from} to {@code to} (exclusive) and checks each is acknowledged once stored. */
    private void sendChunks(byte[] content, int from, int to) {
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        for (int i = from; i < to; i++) {
            files.send(chunk(TRANSFER, content, layout, i, Compression.ADAPTIVE));
            ChunkAck ack = files.next(ChunkAck.class);
            assertThat(ack.transferId()).isEqualTo(TRANSFER);
            assertThat(ack.chunkIndex()).isEqualTo(i);
            assertThat(target()).as("nothing under the final name before the end").doesNotExist();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 4 * CHUNK, 5 * CHUNK + 77})
    void writesTheExactFileAndVerifiesIt(int size) throws Exception {
        byte[] content = randomBytes(size, size + 1);
        files.open();
        Transfer download = files.client().download("docs/report.pdf", target(), options());
        DownloadRequest request = files.next(DownloadRequest.class);
        assertThat(request.fileName()).isEqualTo("docs/report.pdf");
        assertThat(request.chunkSize()).as("the node's chunk size").isZero();
        assertThat(request.compression()).isEqualTo(Compression.ADAPTIVE);
        files.noMoreOutbound();

        files.send(accept(request, content, sha256(content), 4));
        assertThat(download.id()).contains(TRANSFER);
        sendChunks(content, 0, new ChunkLayout(size, CHUNK).chunkCount());
        if (size > 0) {
            assertThat(dir.resolve("report.pdf.aldis-part")).exists();
        }
        files.send(new DownloadComplete(TRANSFER));

        DownloadVerify verify = files.next(DownloadVerify.class);
        assertThat(verify.transferId()).isEqualTo(TRANSFER);
        assertThat(verify.verified()).isTrue();
        TransferResult result = download.result().get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
        assertThat(result.sha256()).isEqualTo(sha256(content));
        assertThat(result.size()).isEqualTo(size);
        assertThat(dir.resolve("report.pdf.aldis-part")).doesNotExist();
        assertThat(dir.resolve("report.pdf.aldis-checkpoint")).doesNotExist();
        assertThat(progress.get(progress.size() - 1).bytesDone()).isEqualTo(size);
    }

    @Test
    void thePartialFileIsWrittenBackToTheDiskWhileChunksArriveNotOnlyAtTheEnd() throws Exception {
        int chunkSize = 1 << 20;
        byte[] content = randomBytes(24 << 20, 5); // three times what the client writes before writing back
        ChunkLayout layout = new ChunkLayout(content.length, chunkSize);
        files.open();
        Transfer download = files.client().download("big.bin", target(), options());
        DownloadRequest request = files.next(DownloadRequest.class);
        files.send(new DownloadAccept(request.requestId(), TRANSFER, content.length, sha256(content),
                layout.chunkCount(), chunkSize, Compression.ADAPTIVE, 4));
        for (int i = 0; i < layout.chunkCount(); i++) {
            files.send(chunk(TRANSFER, content, layout, i, Compression.ADAPTIVE));
            assertThat(files.next(ChunkAck.class).chunkIndex()).isEqualTo(i);
        }

        // Started as the file was written, before DOWNLOAD_COMPLETE asks for the last sync.
        assertThat(FileTransfers.writeBacksStarted(download)).isPositive();
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        download.result().get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
    }

    @Test
    void chunksArrivingOutOfOrderAreWrittenAtTheirOffsets() throws Exception {
        byte[] content = randomBytes(4 * CHUNK + 5, 11);
        files.open();
        Transfer download = files.client().download("r.bin", target(), options());
        DownloadRequest request = files.next(DownloadRequest.class);
        files.send(accept(request, content, sha256(content), 8));
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        for (int i : new int[] {3, 1, 4, 0, 2}) {
            files.send(chunk(TRANSFER, content, layout, i, Compression.NONE));
            assertThat(files.next(ChunkAck.class).chunkIndex()).isEqualTo(i);
        }
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        download.result().get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
    }

    @Test
    void aChunkThatFailsItsCheckIsNackedWithTheCheck_sCode() throws Exception {
        byte[] content = randomBytes(2 * CHUNK, 12);
        files.open();
        Transfer download = files.client().download("r.bin", target(), options());
        DownloadRequest request = files.next(DownloadRequest.class);
        files.send(accept(request, content, sha256(content), 4));
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);

        ChunkData good = chunk(TRANSFER, content, layout, 0, Compression.NONE);
        files.send(new ChunkData(false, false, TRANSFER, 0, CHUNK, good.crc32() ^ 1, good.data()));
        ChunkNack crc = files.next(ChunkNack.class);
        assertThat(crc.chunkIndex()).isZero();
        assertThat(crc.code()).isEqualTo(ErrorCode.CHUNK_CHECKSUM_ERROR.code());

        files.send(new ChunkData(true, false, TRANSFER, 0, CHUNK, good.crc32(), new byte[] {(byte) 0xF0, 1, 2}));
        assertThat(files.next(ChunkNack.class).code()).isEqualTo(ErrorCode.DECOMPRESSION_FAILED.code());

        files.send(chunk(TRANSFER, content, layout, 0, Compression.NONE));
        assertThat(files.next(ChunkAck.class).chunkIndex()).isZero();
        files.send(chunk(TRANSFER, content, layout, 0, Compression.NONE));
        assertThat(files.next(ChunkAck.class).chunkIndex()).as("a chunk stored already is acknowledged again").isZero();
        files.send(new ChunkData(false, true, TRANSFER, 2, 10, 0, new byte[10]));
        assertThat(files.next(ChunkNack.class).code()).isEqualTo(ErrorCode.CHUNK_OUT_OF_RANGE.code());

        files.send(chunk(TRANSFER, content, layout, 1, Compression.NONE));
        files.next(ChunkAck.class);
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        assertThat(download.result().get(10, TimeUnit.SECONDS).chunksResent()).isEqualTo(3);
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
    }

    @Test
    void chunksAreAcknowledgedWhileTheNodeHasPausedTheClient() throws Exception {
        // CHUNK_ACK only lets the node's own sending go on: it is no work frame (docs/protocol.md 4.7).
        byte[] content = randomBytes(2 * CHUNK, 18);
        files.open();
        Transfer download = files.client().download("r.bin", target(), options());
        files.send(accept(files.next(DownloadRequest.class), content, sha256(content), 4));
        files.send(io.aldis.protocol.api.Pause.INSTANCE);
        sendChunks(content, 0, 2);
        files.send(io.aldis.protocol.api.Resume.INSTANCE, new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        download.result().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aHashMismatchFailsAndLeavesNothingUnderTheFinalName() throws Exception {
        byte[] content = randomBytes(3 * CHUNK, 13);
        byte[] wrongHash = sha256(new byte[] {1});
        files.open();
        Transfer download = files.client().download("r.bin", target(), options());
        DownloadRequest request = files.next(DownloadRequest.class);
        files.send(accept(request, content, wrongHash, 4));
        sendChunks(content, 0, 3);
        files.send(new DownloadComplete(TRANSFER));

        DownloadVerify verify = files.next(DownloadVerify.class);
        assertThat(verify.verified()).isFalse();
        assertThat(failure(download).code()).isEqualTo(ErrorCode.FILE_HASH_MISMATCH);
        assertThat(target()).doesNotExist();
        assertThat(dir.resolve("report.pdf.aldis-part")).doesNotExist();
        assertThat(dir.resolve("report.pdf.aldis-checkpoint")).doesNotExist();
    }

    @Test
    void aFileTheNodeDoesNotHaveFailsWithItsCode() throws Exception {
        files.open();
        Transfer download = files.client().download("nonexistent.pdf", target(), options());
        DownloadRequest request = files.next(DownloadRequest.class);
        files.send(new DownloadReject(request.requestId(), ErrorCode.FILE_NOT_FOUND_ON_SERVER.code(),
                "File does not exist", ""));
        FileTransferException failure = failure(download);
        assertThat(failure.code()).isEqualTo(ErrorCode.FILE_NOT_FOUND_ON_SERVER);
        assertThat(failure.reason()).contains("File does not exist");
        assertThat(target()).doesNotExist();
    }

    @Test
    void aNewClientGoesOnFromTheCheckpointBesideThePartialFile() throws Exception {
        byte[] content = randomBytes(6 * CHUNK, 14);
        files.open();
        Transfer first = files.client().download("r.bin", target(), options());
        DownloadRequest request = files.next(DownloadRequest.class);
        files.send(accept(request, content, sha256(content), 8));
        sendChunks(content, 0, 3);
        files.close(); // the application stops
        assertThat(failure(first).code()).isEqualTo(ErrorCode.CONNECTION_LOST);
        assertThat(dir.resolve("report.pdf.aldis-checkpoint")).exists();

        files = client(); // the application starts again and asks for the same file to the same place
        files.open();
        Transfer again = files.client().download("r.bin", target(), options());
        ResumeRequest resume = files.next(ResumeRequest.class);
        assertThat(resume.transferId()).isEqualTo(TRANSFER);
        assertThat(resume.direction()).isEqualTo(TransferDirection.DOWNLOAD);
        assertThat(resume.fileHash()).isEqualTo(sha256(content));
        assertThat(resume.chunksHeld()).containsExactly(new ChunkRange(0, 2));
        files.noMoreOutbound();

        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.RESUMABLE, 6, CHUNK, 8,
                List.of(new ChunkRange(0, 2)), List.of(new ChunkRange(3, 5))));
        sendChunks(content, 3, 6);
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        TransferResult result = again.result().get(10, TimeUnit.SECONDS);
        assertThat(result.resumed()).isTrue();
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
        assertThat(dir.resolve("report.pdf.aldis-checkpoint")).doesNotExist();
    }

    /**
     * Downloads {@code content} until {@code chunks} chunks are acknowledged, and lets the
     * application die right when the last acknowledgement leaves: the files beside the target stay
     * as they were at that moment, without what the client would write on its way out.
     */
    private void crashAfter(byte[] content, int window, int chunks) throws Exception {
        files.open();
        Transfer first = files.client().download("r.bin", target(), options());
        files.send(accept(files.next(DownloadRequest.class), content, sha256(content), window));
        sendChunks(content, 0, chunks - 1);
        Map<Path, byte[]> atCrash = new HashMap<>();
        files.node.channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                if (msg instanceof ChunkAck ack && ack.chunkIndex() == chunks - 1) {
                    for (Path file : List.of(checkpoint(), note())) {
                        if (Files.exists(file)) { // no note where the machine does not tell its boot
                            atCrash.put(file, Files.readAllBytes(file));
                        }
                    }
                }
                ctx.write(msg, promise);
            }
        });
        sendChunks(content, chunks - 1, chunks);
        files.close();
        assertThat(failure(first).code()).isEqualTo(ErrorCode.CONNECTION_LOST);
        assertThat(atCrash).containsKey(checkpoint());
        Files.deleteIfExists(note());
        for (Map.Entry<Path, byte[]> file : atCrash.entrySet()) {
            Files.write(file.getKey(), file.getValue());
        }
    }

    private Path checkpoint() {
        return dir.resolve("report.pdf.aldis-checkpoint");
    }

    private Path note() {
        return dir.resolve("report.pdf.aldis-written");
    }

    /** Resumes in a new application, checks what it says it holds, and ends the download. */
    private void resumeAndFinish(byte[] content, int window, Consumer<List<ChunkRange>> held) throws Exception {
        files.open();
        Transfer again = files.client().download("r.bin", target(), options());
        ResumeRequest resume = files.next(ResumeRequest.class);
        held.accept(resume.chunksHeld());
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        ChunkSet missing = ChunkSet.of(layout.chunkCount(), resume.chunksHeld());
        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.RESUMABLE, layout.chunkCount(), CHUNK,
                window, resume.chunksHeld(), missing.missingRanges()));
        for (ChunkRange range : missing.missingRanges()) {
            sendChunks(content, range.first(), range.last() + 1);
        }
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        assertThat(again.result().get(10, TimeUnit.SECONDS).resumed()).isTrue();
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
        assertThat(note()).as("gone with the checkpoint").doesNotExist();
    }

    /** Checks that {@code held} names only chunks below {@code stored}, and all but half a window of them. */
    private static void atMostHalfAWindowShort(List<ChunkRange> held, int stored, int window) {
        assertThat(held).as("only chunks that were stored").allSatisfy(range -> assertThat(range.last()).isLessThan(stored));
        // What the node sends again is what the checkpoint does not name: at most half a window of
        // the chunks stored, on top of whatever was on its way when the client died.
        assertThat(stored - held.stream().mapToLong(ChunkRange::count).sum()).isLessThanOrEqualTo(window / 2);
    }

    @Test
    void afterTheApplicationCrashedTheNodeResendsNoChunkTheClientHadAcknowledged() throws Exception {
        byte[] content = randomBytes(40 * CHUNK, 15);
        crashAfter(content, 8, 30);
        // The kernel keeps what the application wrote: the note names it, synced or not.
        files = client();
        resumeAndFinish(content, 8, held -> assertThat(held).as("every chunk acknowledged")
                .containsExactly(new ChunkRange(0, 29)));
    }

    @Test
    void afterTheMachineRestartedTheNodeResendsAtMostHalfAWindowOfChunksTheClientHadStored() throws Exception {
        byte[] content = randomBytes(40 * CHUNK, 15);
        crashAfter(content, 8, 30);
        // The note is never synced: after a restart of the machine the chunks it names may be gone.
        files = client(Optional.of(UUID.fromString("c3a9e1f0-4d27-4b8a-9e65-0f1d2b3c4a58")));
        resumeAndFinish(content, 8, held -> atMostHalfAWindowShort(held, 30, 8));
    }

    @Test
    void whereTheMachineDoesNotTellItsBootOnlyTheCheckpointCounts() throws Exception {
        byte[] content = randomBytes(40 * CHUNK, 15);
        files = client(Optional.empty());
        crashAfter(content, 8, 30);
        assertThat(note()).as("no note is written").doesNotExist();
        files = client(Optional.empty());
        resumeAndFinish(content, 8, held -> atMostHalfAWindowShort(held, 30, 8));
    }

    @Test
    void aNoteNamingChunksBeyondThePartialFileIsNotTrusted() throws Exception {
        byte[] content = randomBytes(12 * CHUNK, 19);
        crashAfter(content, 8, 10);
        // Something cut the partial file after the crash: the note names a chunk it no longer holds whole.
        try (FileChannel partial = FileChannel.open(dir.resolve("report.pdf.aldis-part"), StandardOpenOption.WRITE)) {
            partial.truncate(10L * CHUNK - 1);
        }
        // The checkpoint follows every half window (4 chunks): it names chunks 0 to 7 at most.
        files = client();
        resumeAndFinish(content, 8, held -> {
            assertThat(held).as("the checkpoint's chunks alone").isNotEmpty()
                    .allSatisfy(range -> assertThat(range.last()).isLessThan(8));
            assertThat(note()).as("deleted, so that the chunks sent again cannot make it look whole").doesNotExist();
        });
    }

    @Test
    void chunksScatteredInTooManyRunsAreNoLongerNotedAndTheDownloadGoesOn() throws Exception {
        int mostNoted = 1024; // DownloadTransfer.MAX_NOTED_RANGES
        int runs = mostNoted + 1;
        byte[] content = randomBytes(2 * runs * CHUNK, 20);
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        files.open();
        Transfer download = files.client().download("r.bin", target(), options());
        files.send(accept(files.next(DownloadRequest.class), content, sha256(content), 8));
        for (int i = 0; i < layout.chunkCount(); i += 2) {
            sendChunks(content, i, i + 1);
            boolean noted = i / 2 + 1 <= mostNoted;
            assertThat(Files.exists(note())).as("a note after chunk %d, in run %d", i, i / 2 + 1).isEqualTo(noted);
        }
        for (int i = 1; i < layout.chunkCount(); i += 2) {
            sendChunks(content, i, i + 1);
        }
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        download.result().get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
    }

    @Test
    void aDamagedCheckpointStartsTheDownloadOver() throws Exception {
        byte[] content = randomBytes(6 * CHUNK, 15);
        files.open();
        Transfer first = files.client().download("r.bin", target(), options());
        files.send(accept(files.next(DownloadRequest.class), content, sha256(content), 8));
        sendChunks(content, 0, 3);
        files.close();
        failure(first);
        Path checkpoint = dir.resolve("report.pdf.aldis-checkpoint");
        byte[] damaged = Files.readAllBytes(checkpoint);
        damaged[damaged.length / 2] ^= 0x40;
        Files.write(checkpoint, damaged);

        files = client();
        files.open();
        Transfer again = files.client().download("r.bin", target(), options());
        DownloadRequest request = files.next(DownloadRequest.class);
        assertThat(request.fileName()).isEqualTo("r.bin");
        files.send(accept(request, content, sha256(content), 8));
        sendChunks(content, 0, 6);
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        assertThat(again.result().get(10, TimeUnit.SECONDS).resumed()).isFalse();
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
    }

    @Test
    void aCheckpointTheNodeNoLongerKnowsStartsTheDownloadOver() throws Exception {
        byte[] content = randomBytes(3 * CHUNK, 16);
        files.open();
        Transfer first = files.client().download("r.bin", target(), options());
        files.send(accept(files.next(DownloadRequest.class), content, sha256(content), 8));
        sendChunks(content, 0, 1);
        files.close();
        failure(first);

        files = client();
        files.open();
        Transfer again = files.client().download("r.bin", target(), options());
        ResumeRequest resume = files.next(ResumeRequest.class);
        files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.EXPIRED, 0, 0, 0, List.of(),
                List.of()));
        DownloadRequest request = files.next(DownloadRequest.class);
        files.send(accept(request, content, sha256(content), 8));
        sendChunks(content, 0, 3);
        files.send(new DownloadComplete(TRANSFER));
        assertThat(files.next(DownloadVerify.class).verified()).isTrue();
        again.result().get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(target())).isEqualTo(content);
    }

    @Test
    void cancelSendsTransferAbortCancelledAndDeletesThePartialFile() throws Exception {
        byte[] content = randomBytes(3 * CHUNK, 17);
        files.open();
        Transfer download = files.client().download("r.bin", target(), options());
        files.send(accept(files.next(DownloadRequest.class), content, sha256(content), 8));
        sendChunks(content, 0, 1);
        download.cancel();
        TransferAbort abort = files.next(TransferAbort.class);
        assertThat(abort.code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(abort.resumable()).isFalse();
        assertThat(failure(download).code()).isEqualTo(ErrorCode.CANCELLED);
        assertThat(dir.resolve("report.pdf.aldis-part")).doesNotExist();
        assertThat(dir.resolve("report.pdf.aldis-checkpoint")).doesNotExist();
    }

    @Test
    void listsAPageAndRemovesAFile() throws Exception {
        files.open();
        var page = files.client().list("**/*.pdf", 50, 2);
        ListRequest list = files.next(ListRequest.class);
        assertThat(list.pattern()).isEqualTo("**/*.pdf");
        assertThat(list.offset()).isEqualTo(50);
        assertThat(list.limit()).isEqualTo(2);
        files.send(new ListResponse(list.requestId(), 200, List.of(new FileEntry("a.pdf", 10, 1_000),
                new FileEntry("b/c.pdf", 20, 2_000))));
        FilePage result = page.get(10, TimeUnit.SECONDS);
        assertThat(result.totalCount()).isEqualTo(200);
        assertThat(result.entries()).extracting(f -> f.name()).containsExactly("a.pdf", "b/c.pdf");
        assertThat(result.entries().get(1).modified()).isEqualTo(Instant.ofEpochMilli(2_000));

        var removed = files.client().remove("a.pdf");
        FileRemove remove = files.next(FileRemove.class);
        assertThat(remove.fileName()).isEqualTo("a.pdf");
        files.send(new Ack(remove.requestId(), ""));
        removed.get(10, TimeUnit.SECONDS);

        var missing = files.client().remove("gone.pdf");
        FileRemove second = files.next(FileRemove.class);
        files.send(new ErrorFrame(second.requestId(), ErrorCode.FILE_NOT_FOUND_ON_SERVER.code(), "no such file", ""));
        Throwable thrown = catchThrowable(() -> missing.get(10, TimeUnit.SECONDS));
        assertThat(thrown.getCause()).isInstanceOf(io.aldis.client.AldisException.class);
        assertThat(((io.aldis.client.AldisException) thrown.getCause()).code())
                .isEqualTo(ErrorCode.FILE_NOT_FOUND_ON_SERVER);
    }

    private static FileTransferException failure(Transfer transfer) throws Exception {
        Throwable thrown = catchThrowable(() -> transfer.result().get(10, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        assertThat(thrown.getCause()).isInstanceOf(FileTransferException.class);
        return (FileTransferException) thrown.getCause();
    }
}
