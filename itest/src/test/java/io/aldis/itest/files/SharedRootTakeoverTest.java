package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.GatedFileStore;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes on one storage root, as in a cluster that shares it: a client resumes an upload through B
 * while A still has its last chunk and UPLOAD_COMPLETE to handle, and A must leave the upload to B
 * rather than publish it; a resume B refuses (another user's, the other direction) takes nothing
 * from A, nor does a cancel through A of an upload B took over; an upload that cannot take its name's lock in time stays resumable.
 */
class SharedRootTakeoverTest {
    private static final long ALL = Capability.maskOf(EnumSet.allOf(Capability.class));
    private static final int CHUNK = 4096;
    private static final int CHUNKS = 10;
    /** The last chunk is shorter than the others: the gate on A's disk knows it by its size. */
    private static final int LAST_CHUNK = CHUNK - 5;

    @TempDir
    Path root;
    final FileResumeTest.MovableClock clock = new FileResumeTest.MovableClock();
    final OneJvmClusterLocks locks = new OneJvmClusterLocks();
    final byte[] file = FileClient.random((CHUNKS - 1) * CHUNK + LAST_CHUNK, 13);
    final ChunkLayout layout = new ChunkLayout(file.length, CHUNK);
    /** Opened by the test: until then A's write of the last chunk waits. */
    final CountDownLatch lastChunkMayPass = new CountDownLatch(1);
    NodeFixture a;
    NodeFixture b;

    private NodeFixture start(boolean holdLastChunk) throws Exception {
        NodeFixture node = NodeFixture.builder().user("alice", "user").user("bob", "user").clock(clock)
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, 64 * 1024).withWindow(4)
                        .withRetentionSeconds(3600))
                .fileStore(store -> holdLastChunk ? new GatedFileStore(store) {
                    @Override
                    protected void beforeWrite(String key, int bytes) throws IOException {
                        if (bytes == LAST_CHUNK) {
                            try {
                                lastChunkMayPass.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                throw new InterruptedIOException();
                            }
                        }
                    }
                } : store)
                .loginCapabilities(ALL).start();
        node.files().clusterLocks(locks);
        return node;
    }

    @AfterEach
    void stop() throws Exception {
        lastChunkMayPass.countDown();
        for (NodeFixture n : new NodeFixture[] {a, b}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    void anUploadCompletedOnAButResumedThroughBMeanwhileIsPublishedByBAlone() throws Exception {
        a = start(true);
        b = start(false);
        FrameClient onA = a.login("alice");
        UploadAccept accept = FileClient.accepted(onA, 1, "moved.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(onA, accept.transferId(), file, layout, 0, CHUNKS - 1, accept.window(),
                Compression.NONE);
        // The last chunk waits at A's disk, and UPLOAD_COMPLETE behind it; the connection stays.
        onA.send(FileClient.chunk(accept.transferId(), file, layout, CHUNKS - 1, Compression.NONE));
        onA.send(new UploadComplete(accept.transferId(), FileClient.sha256(file)));

        clock.now = clock.now.plus(Duration.ofSeconds(1));
        FrameClient onB = b.login("alice");
        onB.send(new ResumeRequest(9, accept.transferId(), TransferDirection.UPLOAD, FileClient.sha256(file),
                List.of()));
        ResumeResponse resumed = onB.await(ResumeResponse.class);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        // A saved its checkpoint at accept, before any chunk: B resumes from there.
        assertThat(resumed.chunksMissing()).containsExactly(new ChunkRange(0, CHUNKS - 1));

        lastChunkMayPass.countDown();
        awaitGoneFrom(a, accept.transferId());
        Frame toldOnA = onA.next(f -> f instanceof UploadVerify || f instanceof TransferAbort);
        assertThat(toldOnA).as("A sends its client to resume").isInstanceOf(TransferAbort.class);
        assertThat(((TransferAbort) toldOnA).resumable()).isTrue();
        assertThat(((TransferAbort) toldOnA).code()).isEqualTo(ErrorCode.TRANSFER_NOT_FOUND.code());

        FileClient.sendMissingAndComplete(onB, accept.transferId(), file, layout, resumed);
        assertThat(Files.readAllBytes(root.resolve("alice").resolve("moved.bin"))).isEqualTo(file);
    }

    @Test
    void anUploadThatWaitedTooLongForTheNameLockStaysResumableAndPublishesOnceItIsFree() throws Exception {
        a = start(false);
        FrameClient onA = a.login("alice");
        UploadAccept accept = FileClient.accepted(onA, 1, "waited.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(onA, accept.transferId(), file, layout, 0, CHUNKS, accept.window(), Compression.NONE);
        locks.takenElsewhere("files/name/");
        onA.send(new UploadComplete(accept.transferId(), FileClient.sha256(file)));
        TransferAbort abort = onA.await(TransferAbort.class);
        assertThat(abort.resumable()).isTrue();
        assertThat(abort.code()).isEqualTo(ErrorCode.BUSY.code());
        assertThat(abort.reason()).contains("waited.bin", "resume");

        locks.takenElsewhere(null);
        onA.send(new ResumeRequest(9, accept.transferId(), TransferDirection.UPLOAD, FileClient.sha256(file),
                List.of()));
        ResumeResponse resumed = onA.await(ResumeResponse.class);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        FileClient.sendMissingAndComplete(onA, accept.transferId(), file, layout, resumed);
        assertThat(Files.readAllBytes(root.resolve("alice").resolve("waited.bin"))).isEqualTo(file);
    }

    @Test
    void anotherUsersResumeThroughBLeavesAnUploadRunningOnAWithA() throws Exception {
        a = start(false);
        b = start(false);
        FrameClient onA = a.login("alice");
        UploadAccept accept = FileClient.accepted(onA, 1, "mine.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(onA, accept.transferId(), file, layout, 0, CHUNKS / 2, accept.window(),
                Compression.NONE);

        clock.now = clock.now.plus(Duration.ofSeconds(1));
        FrameClient bobOnB = b.login("bob");
        bobOnB.send(new ResumeRequest(9, accept.transferId(), TransferDirection.UPLOAD, FileClient.sha256(file),
                List.of()));
        assertThat(bobOnB.await(ResumeResponse.class).status()).isEqualTo(ResumeStatus.NOT_FOUND);
        FrameClient aliceOnB = b.login("alice");
        aliceOnB.send(new ResumeRequest(10, accept.transferId(), TransferDirection.DOWNLOAD, FileClient.sha256(file),
                List.of()));
        assertThat(aliceOnB.await(ResumeResponse.class).status()).isEqualTo(ResumeStatus.NOT_FOUND);

        // Refused requests claimed nothing: the upload goes on and publishes on A.
        FileClient.sendChunks(onA, accept.transferId(), file, layout, CHUNKS / 2, CHUNKS, accept.window(),
                Compression.NONE);
        onA.send(new UploadComplete(accept.transferId(), FileClient.sha256(file)));
        Frame answer = onA.next(f -> f instanceof UploadVerify || f instanceof TransferAbort);
        assertThat(answer).isInstanceOf(UploadVerify.class);
        assertThat(((UploadVerify) answer).verified()).isTrue();
        assertThat(Files.readAllBytes(root.resolve("alice").resolve("mine.bin"))).isEqualTo(file);
    }

    @Test
    void aCancelThroughAOfAnUploadBTookOverLeavesItsDataToB() throws Exception {
        a = start(false);
        b = start(false);
        FrameClient onA = a.login("alice");
        UploadAccept accept = FileClient.accepted(onA, 1, "kept.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(onA, accept.transferId(), file, layout, 0, 3, accept.window(), Compression.NONE);
        onA.close();
        awaitAtCheckpoint(a, accept.transferId());

        clock.now = clock.now.plus(Duration.ofSeconds(1));
        FrameClient onB = b.login("alice");
        onB.send(new ResumeRequest(9, accept.transferId(), TransferDirection.UPLOAD, FileClient.sha256(file),
                List.of()));
        ResumeResponse resumed = onB.await(ResumeResponse.class);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);

        // A still keeps the upload it parked; a cancel for good reaches it there.
        a.login("alice").send(new TransferAbort(false, accept.transferId(), ErrorCode.CANCELLED.code(),
                "cancelled by the user", ""));
        awaitGoneFrom(a, accept.transferId());

        FileClient.sendMissingAndComplete(onB, accept.transferId(), file, layout, resumed);
        assertThat(Files.readAllBytes(root.resolve("alice").resolve("kept.bin"))).isEqualTo(file);
    }

    /** Waits until the node keeps the transfer at its checkpoint, its session gone. */
    private static void awaitAtCheckpoint(NodeFixture node, UUID id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (node.files().transfers().stream()
                    .anyMatch(row -> row.id().equals(id) && row.state().equals("at checkpoint"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the node did not park transfer " + id + " within 30 s");
    }

    /** Waits until the node no longer keeps the transfer: it finished, or let another node have it. */
    private static void awaitGoneFrom(NodeFixture node, UUID id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (node.files().transfers().stream().noneMatch(row -> row.id().equals(id))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the node still keeps transfer " + id + " after 30 s");
    }
}
