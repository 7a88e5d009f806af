package io.aldis.itest.files;

import static io.aldis.itest.files.FileClient.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.transport.ws.internal.WsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers stop at a checkpoint and go on: after the connection breaks, after a graceful CLOSE,
 * after the feature was stopped and started, after the node restarted on the same storage; and
 * every status a resume can get (docs/protocol.md 6.5.6, 6.5.7).
 */
class FileResumeTest {
    static final long ALL = Capability.maskOf(EnumSet.allOf(Capability.class));
    static final int CHUNK = 4096;
    static final int CHUNKS = 6;

    /** A clock the test moves, for the checkpoints' retention. */
    static final class MovableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path root;
    final MovableClock clock = new MovableClock();
    NodeFixture node;
    final byte[] file = FileClient.random(CHUNKS * CHUNK - 5, 42);
    final ChunkLayout layout = new ChunkLayout(file.length, CHUNK);

    NodeFixture start() throws Exception {
        return NodeFixture.builder().user("alice", "user").user("bob", "user").clock(clock)
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, 64 * 1024).withWindow(4)
                        .withRetentionSeconds(3600))
                .loginCapabilities(ALL).start();
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    /** Uploads the first {@code chunks} chunks and leaves the upload open. */
    UploadAccept halfUpload(FrameClient c, int chunks) throws Exception {
        UploadAccept accept = FileClient.accepted(c, 1, "big.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(c, accept.transferId(), file, layout, 0, chunks, accept.window(), Compression.NONE);
        return accept;
    }

    ResumeResponse resume(FrameClient c, UUID id, TransferDirection direction, byte[] hash, List<ChunkRange> held)
            throws Exception {
        c.send(new ResumeRequest(9, id, direction, hash, held));
        return c.await(ResumeResponse.class);
    }

    /** Sends the missing chunks of a resumed upload, completes it, and checks the published file. */
    void finishUpload(FrameClient c, UUID id, ResumeResponse resumed) throws Exception {
        FileClient.sendMissingAndComplete(c, id, file, layout, resumed);
        assertThat(Files.readAllBytes(node.fileStore().root().resolve("alice").resolve("big.bin"))).isEqualTo(file);
    }

    @Test
    void anUploadGoesOnAfterTheConnectionBrokeWithOnlyTheMissingChunks() throws Exception {
        node = start();
        FrameClient first = node.login("alice");
        UploadAccept accept = halfUpload(first, 3);
        first.close();

        FrameClient second = node.login("alice");
        ResumeResponse resumed = resume(second, accept.transferId(), TransferDirection.UPLOAD, sha256(file),
                List.of(new ChunkRange(0, 2)));
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.totalChunks()).isEqualTo(CHUNKS);
        assertThat(resumed.chunkSize()).isEqualTo(CHUNK);
        assertThat(resumed.window()).isEqualTo(4);
        assertThat(resumed.chunksReceived()).containsExactly(new ChunkRange(0, 2));
        assertThat(resumed.chunksMissing()).containsExactly(new ChunkRange(3, CHUNKS - 1));
        finishUpload(second, accept.transferId(), resumed);
    }

    @Test
    void aGracefulCloseStopsAnUploadAtItsCheckpoint() throws Exception {
        node = start();
        FrameClient first = node.login("alice");
        UploadAccept accept = halfUpload(first, 2);
        first.send(new Close(0, "bye"));
        first.await(CloseAck.class);

        FrameClient second = node.login("alice");
        ResumeResponse resumed = resume(second, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of());
        assertThat(resumed.chunksReceived()).containsExactly(new ChunkRange(0, 1));
        finishUpload(second, accept.transferId(), resumed);
    }

    @Test
    void aTransferStillRunningMovesToTheSessionThatResumesIt() throws Exception {
        node = start();
        FrameClient first = node.login("alice");
        UploadAccept accept = halfUpload(first, 1);
        FrameClient second = node.login("alice");
        ResumeResponse resumed = resume(second, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of());
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);

        first.send(FileClient.chunk(accept.transferId(), file, layout, 1, Compression.NONE));
        TransferAbort moved = first.await(TransferAbort.class);
        assertThat(moved.code()).isEqualTo(ErrorCode.TRANSFER_NOT_FOUND.code());
        assertThat(moved.resumable()).as("alice's own transfer, kept for her").isTrue();
        finishUpload(second, accept.transferId(), resumed);
    }

    @Test
    void lateAnswersAcrossAReconnectAreDroppedAndChunksBeforeTheResumeAskForIt() throws Exception {
        node = start();
        FrameClient up = node.login("alice");
        UploadAccept upload = halfUpload(up, 2);
        up.close();

        FrameClient down = node.login("alice");
        assertThat(FileClient.upload(down, "whole.bin", file, CHUNK, Compression.NONE).verified()).isTrue();
        down.send(new DownloadRequest(2, "whole.bin", CHUNK, Compression.NONE));
        DownloadAccept download = down.await(DownloadAccept.class);
        ChunkData first = down.await(ChunkData.class);
        down.close();

        FrameClient again = node.login("alice");
        // sent as the connection broke, read on the next session: nothing to answer, nothing lost
        again.send(new ChunkAck(download.transferId(), first.chunkIndex()));
        again.send(new DownloadVerify(false, download.transferId()));
        // a chunk of the upload before it was resumed here: resume it first
        again.send(FileClient.chunk(upload.transferId(), file, layout, 2, Compression.NONE));
        TransferAbort resumeFirst = again.next(f -> f instanceof TransferAbort);
        assertThat(resumeFirst.transferId()).as("the late ACK and VERIFY, read before it, were not answered")
                .isEqualTo(upload.transferId());
        assertThat(resumeFirst.resumable()).isTrue();

        ResumeResponse downloadGoesOn = resume(again, download.transferId(), TransferDirection.DOWNLOAD,
                download.fileHash(), List.of(new ChunkRange(first.chunkIndex(), first.chunkIndex())));
        assertThat(downloadGoesOn.status()).isEqualTo(ResumeStatus.RESUMABLE);
        ResumeResponse uploadGoesOn = resume(again, upload.transferId(), TransferDirection.UPLOAD, sha256(file),
                List.of());
        assertThat(uploadGoesOn.chunksReceived()).containsExactly(new ChunkRange(0, 1));
        finishUpload(again, upload.transferId(), uploadGoesOn);
    }

    @Test
    void aDownloadGoesOnAfterTheConnectionBrokeFromTheChunksTheClientHolds() throws Exception {
        node = start();
        FrameClient up = node.login("alice");
        assertThat(FileClient.upload(up, "big.bin", file, CHUNK, Compression.NONE).verified()).isTrue();

        FrameClient first = node.login("alice");
        first.send(new DownloadRequest(1, "big.bin", CHUNK, Compression.NONE));
        DownloadAccept accept = first.await(DownloadAccept.class);
        assertThat(accept.window()).isEqualTo(4);
        Map<Integer, byte[]> chunks = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            ChunkData d = first.await(ChunkData.class);
            chunks.put(d.chunkIndex(), d.data());
        }
        first.close();
        assertThat(chunks).containsOnlyKeys(0, 1);

        FrameClient second = node.login("alice");
        ResumeResponse resumed = resume(second, accept.transferId(), TransferDirection.DOWNLOAD, accept.fileHash(),
                List.of(new ChunkRange(0, 1)));
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksMissing()).containsExactly(new ChunkRange(2, CHUNKS - 1));
        Set<Integer> sentAgain = new HashSet<>();
        Map<Integer, byte[]> rest = new HashMap<>();
        FileClient.receiveAll(second, accept, rest);
        sentAgain.addAll(rest.keySet());
        assertThat(sentAgain).containsExactlyInAnyOrder(2, 3, 4, 5);
        chunks.putAll(rest);
        assertThat(FileClient.assemble(accept, chunks)).isEqualTo(file);
        second.send(new DownloadVerify(true, accept.transferId()));
    }

    @Test
    void aTransferWhoseChunksDoNotFitTheResumingConnectionWaitsForOneTheyFit() throws Exception {
        // A second listener whose frames are smaller than this download's chunks.
        node = NodeFixture.builder().user("alice", "user").clock(clock)
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, 64 * 1024).withWindow(4))
                .tcp().ws(WsSettings.plain("small-frames", 0).withLimits(100, CHUNK / 2))
                .loginCapabilities(ALL).start();
        FrameClient up = node.login("alice");
        assertThat(FileClient.upload(up, "big.bin", file, CHUNK, Compression.NONE).verified()).isTrue();
        FrameClient first = node.login("alice");
        first.send(new DownloadRequest(1, "big.bin", CHUNK, Compression.NONE));
        DownloadAccept accept = first.await(DownloadAccept.class);
        ChunkData chunk0 = first.next(f -> f instanceof ChunkData d && d.chunkIndex() == 0);
        first.close();

        FrameClient small = node.rawWs();
        small.login("alice", node.password("alice"), ALL);
        assertThat(small.connectAck().maxChunkSize()).isLessThan(CHUNK);
        small.send(new ResumeRequest(9, accept.transferId(), TransferDirection.DOWNLOAD, accept.fileHash(),
                List.of(new ChunkRange(0, 0))));
        ErrorFrame refused = small.await(ErrorFrame.class);
        assertThat(refused.requestId()).isEqualTo(9);
        assertThat(refused.code()).isEqualTo(ErrorCode.RESUME_NOT_POSSIBLE.code());
        assertThat(refused.message()).contains(CHUNK + " bytes", "maxChunkSize of " + small.connectAck().maxChunkSize());
        small.expectSilence(300); // and no chunk that would not fit

        FrameClient wide = node.login("alice");
        ResumeResponse resumed = resume(wide, accept.transferId(), TransferDirection.DOWNLOAD, accept.fileHash(),
                List.of(new ChunkRange(0, 0)));
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        Map<Integer, byte[]> chunks = new HashMap<>(Map.of(0, chunk0.data()));
        FileClient.receiveAll(wide, accept, chunks);
        assertThat(FileClient.assemble(accept, chunks)).isEqualTo(file);
        wide.send(new DownloadVerify(true, accept.transferId()));
    }

    @Test
    void anUploadAndADownloadResumeAfterTheNodeRestartedOnTheSameStorage() throws Exception {
        node = start();
        FrameClient up = node.login("alice");
        FileClient.upload(up, "other.bin", file, CHUNK, Compression.NONE);
        UploadAccept upload = halfUpload(up, 4);
        up.send(new DownloadRequest(2, "other.bin", CHUNK, Compression.NONE));
        DownloadAccept download = up.await(DownloadAccept.class);
        node.close();

        node = start();
        FrameClient back = node.login("alice");
        ResumeResponse resumed = resume(back, upload.transferId(), TransferDirection.UPLOAD, sha256(file), List.of());
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksReceived()).containsExactly(new ChunkRange(0, 3));
        finishUpload(back, upload.transferId(), resumed);

        ResumeResponse again = resume(back, download.transferId(), TransferDirection.DOWNLOAD, download.fileHash(),
                List.of());
        assertThat(again.status()).isEqualTo(ResumeStatus.RESUMABLE);
        Map<Integer, byte[]> chunks = new HashMap<>();
        FileClient.receiveAll(back, download, chunks);
        assertThat(FileClient.assemble(download, chunks)).isEqualTo(file);
    }

    @Test
    void uninstallingTheFeatureKeepsTheSessionAndTheUploadResumesOnItWhenItIsBack() throws Exception {
        node = start();
        FrameClient alice = node.login("alice");
        UploadAccept accept = halfUpload(alice, 3);
        node.stopFiles();
        assertThat(Capability.fromMask(alice.await(CapabilityChange.class).capabilities()))
                .doesNotContain(Capability.FILE_TRANSFER);
        node.startFiles();
        assertThat(Capability.fromMask(alice.await(CapabilityChange.class).capabilities()))
                .contains(Capability.FILE_TRANSFER);

        ResumeResponse resumed = resume(alice, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of());
        assertThat(resumed.chunksReceived()).containsExactly(new ChunkRange(0, 2));
        finishUpload(alice, accept.transferId(), resumed);
    }

    @Test
    void aDifferentHashIsFileChangedAndEndsTheUpload() throws Exception {
        node = start();
        FrameClient alice = node.login("alice");
        UploadAccept accept = halfUpload(alice, 2);
        ResumeResponse changed = resume(alice, accept.transferId(), TransferDirection.UPLOAD, sha256(new byte[1]),
                List.of());
        assertThat(changed.status()).isEqualTo(ResumeStatus.FILE_CHANGED);
        assertThat(changed.totalChunks()).isZero();
        assertThat(changed.chunksReceived()).isEmpty();
        assertThat(resume(alice, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.NOT_FOUND);
    }

    @Test
    void aDownloadWhoseFileWasReplacedWhileItWaitedIsFileChanged() throws Exception {
        node = start();
        FrameClient alice = node.login("alice");
        FileClient.upload(alice, "big.bin", file, CHUNK, Compression.NONE);
        alice.send(new DownloadRequest(2, "big.bin", CHUNK, Compression.NONE));
        DownloadAccept download = alice.await(DownloadAccept.class);
        node.stopFiles();
        node.startFiles();
        FileClient.upload(alice, "big.bin", FileClient.random(100, 1), CHUNK, Compression.NONE);

        assertThat(resume(alice, download.transferId(), TransferDirection.DOWNLOAD, download.fileHash(), List.of())
                .status()).isEqualTo(ResumeStatus.FILE_CHANGED);
    }

    @Test
    void aDamagedCheckpointIsStateCorruptedAndDiscarded() throws Exception {
        node = start();
        FrameClient alice = node.login("alice");
        UploadAccept accept = halfUpload(alice, 2);
        node.stopFiles();
        Path state = node.fileStore().statePath(accept.transferId().toString());
        byte[] bytes = Files.readAllBytes(state);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(state, bytes);
        node.startFiles();

        assertThat(resume(alice, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.STATE_CORRUPTED);
        assertThat(state).doesNotExist();
        assertThat(node.fileStore().partialPath(accept.transferId().toString())).doesNotExist();
        assertThat(resume(alice, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.NOT_FOUND);
    }

    @Test
    void aTransferWaitingLongerThanTheRetentionIsExpiredAndItsDataSweptAway() throws Exception {
        node = start();
        FrameClient alice = node.login("alice");
        UploadAccept kept = halfUpload(alice, 2);
        UploadAccept swept = FileClient.accepted(alice, 2, "two.bin", file, CHUNK, Compression.NONE);
        node.stopFiles();
        node.startFiles();
        clock.now = clock.now.plus(Duration.ofSeconds(3601));

        assertThat(resume(alice, kept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.EXPIRED);
        node.files().sweep();
        assertThat(node.fileStore().partialPath(swept.transferId().toString())).doesNotExist();
        assertThat(node.fileStore().statePath(swept.transferId().toString())).doesNotExist();
        assertThat(resume(alice, swept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.EXPIRED);
    }

    /**
     * An upload whose UPLOAD_ACCEPT was lost with the connection: its client asks again and never
     * resumes the first, which holds no chunk. It waits five minutes instead of the whole retention,
     * then its reserved space is free again; an upload that stored a chunk waits the retention.
     */
    @Test
    void anUploadThatStoredNoChunkIsExpiredAfterFiveMinutesAndGivesItsSpaceBack() throws Exception {
        node = NodeFixture.builder().user("alice", "user").clock(clock)
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, 64 * 1024).withWindow(4)
                        .withRetentionSeconds(3600).withQuotas(file.length + 10L, 0))
                .loginCapabilities(ALL).start();
        FrameClient first = node.login("alice");
        UploadAccept lost = FileClient.accepted(first, 1, "big.bin", file, CHUNK, Compression.NONE);
        // A graceful CLOSE, so that the upload is parked when CLOSE_ACK comes (a cut would park it later).
        first.send(new Close(0, "bye"));
        first.await(CloseAck.class);
        FrameClient again = node.login("alice");
        assertThat(((io.aldis.protocol.api.UploadReject) FileClient.request(again, 2, "big.bin", file, CHUNK,
                Compression.NONE)).code()).as("the lost upload still holds the space")
                .isEqualTo(ErrorCode.QUOTA_EXCEEDED.code());

        clock.now = clock.now.plus(Duration.ofMinutes(5)).plusSeconds(1);
        node.files().sweep();
        assertThat(resume(again, lost.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.EXPIRED);
        UploadAccept accept = FileClient.accepted(again, 3, "big.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(again, accept.transferId(), file, layout, 0, 1, accept.window(), Compression.NONE);
        again.send(new Close(0, "bye"));
        again.await(CloseAck.class);

        clock.now = clock.now.plus(Duration.ofMinutes(30));
        node.files().sweep();
        FrameClient third = node.login("alice");
        assertThat(resume(third, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .as("a started upload waits the whole retention").isEqualTo(ResumeStatus.RESUMABLE);
    }

    /**
     * The connection breaks after UPLOAD_COMPLETE, before the client read UPLOAD_VERIFY: the node
     * published the file, and the client resumes. It hears that every chunk was received, sends
     * UPLOAD_COMPLETE again and gets UPLOAD_VERIFY again, instead of sending the file once more;
     * once the file changed, or for another user, the upload is not found.
     */
    @Test
    void anUploadWhoseVerifyWasLostResumesWithNothingMissingAndIsVerifiedAgain() throws Exception {
        node = start();
        FrameClient first = node.login("alice");
        UploadAccept accept = halfUpload(first, CHUNKS);
        first.send(new UploadComplete(accept.transferId(), sha256(file)));
        // Read here only to know the node is done; the client acts as if the connection took it.
        assertThat(first.await(UploadVerify.class).verified()).isTrue();
        first.close();
        Path published = node.fileStore().root().resolve("alice").resolve("big.bin");

        FrameClient second = node.login("alice");
        ResumeResponse resumed = resume(second, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of());
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksReceived()).containsExactly(new ChunkRange(0, CHUNKS - 1));
        assertThat(resumed.chunksMissing()).isEmpty();
        second.send(new UploadComplete(accept.transferId(), sha256(file)));
        UploadVerify again = second.await(UploadVerify.class);
        assertThat(again.verified()).isTrue();
        assertThat(again.computedHash()).isEqualTo(sha256(file));
        assertThat(Files.readAllBytes(published)).isEqualTo(file);

        FrameClient bob = node.login("bob");
        assertThat(resume(bob, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.NOT_FOUND);
        Files.write(published, new byte[] {1, 2, 3});
        assertThat(resume(second, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .as("the file changed since").isEqualTo(ResumeStatus.NOT_FOUND);
    }

    /**
     * As above, but the node restarted between the lost UPLOAD_VERIFY and the client's resume: the
     * verified upload is remembered on storage, for the retention and no longer.
     */
    @Test
    void anUploadWhoseVerifyWasLostIsVerifiedAgainAfterTheNodeRestarted() throws Exception {
        node = start();
        FrameClient first = node.login("alice");
        UploadAccept accept = halfUpload(first, CHUNKS);
        first.send(new UploadComplete(accept.transferId(), sha256(file)));
        assertThat(first.await(UploadVerify.class).verified()).isTrue();
        node.close();

        node = start();
        FrameClient second = node.login("alice");
        ResumeResponse resumed = resume(second, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of());
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksMissing()).isEmpty();
        second.send(new UploadComplete(accept.transferId(), sha256(file)));
        UploadVerify again = second.await(UploadVerify.class);
        assertThat(again.verified()).isTrue();
        assertThat(again.computedHash()).isEqualTo(sha256(file));

        clock.now = clock.now.plus(Duration.ofSeconds(3601));
        node.files().sweep();
        assertThat(resume(second, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .as("forgotten after the retention").isEqualTo(ResumeStatus.NOT_FOUND);
        node.close();
        node = start();
        FrameClient third = node.login("alice");
        assertThat(resume(third, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .as("on storage too").isEqualTo(ResumeStatus.NOT_FOUND);
    }

    /** A client cancels for good on a later session what its user cancelled while it was away. */
    @Test
    void aWaitingTransferIsDiscardedByItsUsersCancelFromAnotherSessionAndNotByAnotherUsers() throws Exception {
        node = start();
        FrameClient first = node.login("alice");
        UploadAccept accept = halfUpload(first, 2);
        first.send(new Close(0, "bye"));
        first.await(CloseAck.class);

        FrameClient bob = node.login("bob");
        bob.send(new TransferAbort(false, accept.transferId(), ErrorCode.CANCELLED.code(), "cancelled", ""));
        FrameClient alice = node.login("alice");
        alice.send(new TransferAbort(true, accept.transferId(), ErrorCode.CANCELLED.code(), "not for good", ""));
        ResumeResponse kept = resume(alice, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of());
        assertThat(kept.status()).as("neither bob's abort nor a resumable one discards it")
                .isEqualTo(ResumeStatus.RESUMABLE);
        alice.send(new Close(0, "bye"));
        alice.await(CloseAck.class);

        FrameClient later = node.login("alice");
        later.send(new TransferAbort(false, accept.transferId(), ErrorCode.CANCELLED.code(), "cancelled", ""));
        assertThat(resume(later, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.NOT_FOUND);
        // A cancel deletes the data on the upload's own thread, after the transfer ended: the
        // resume above may be answered first.
        Path partial = node.fileStore().partialPath(accept.transferId().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.exists(partial) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(partial).doesNotExist();
    }

    @Test
    void anotherUsersOrAnUnknownTransferIsNotFound() throws Exception {
        node = start();
        FrameClient alice = node.login("alice");
        UploadAccept accept = halfUpload(alice, 1);
        FrameClient bob = node.login("bob");
        assertThat(resume(bob, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.NOT_FOUND);
        assertThat(resume(bob, UUID.randomUUID(), TransferDirection.DOWNLOAD, sha256(file), List.of()).status())
                .isEqualTo(ResumeStatus.NOT_FOUND);
        // Bob's attempt took nothing from Alice.
        alice.send(FileClient.chunk(accept.transferId(), file, layout, 1, Compression.NONE));
        assertThat(alice.await(ChunkAck.class).chunkIndex()).isEqualTo(1);
    }
}
