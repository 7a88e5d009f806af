package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadRequest;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one storage root, as in a cluster that shares it, with one clock the test moves and
 * the sweeps run on demand: a node's sweep must not discard a transfer that runs on the other node,
 * or waits there at its checkpoint after it moved chunks, however long ago its checkpoint listed
 * chunks (a download's never does, an upload's not before its 64th chunk).
 */
class SharedRootSweepTest {
    private static final long ALL = Capability.maskOf(EnumSet.allOf(Capability.class));
    private static final int CHUNK = 4096;
    private static final int CHUNKS = 20;
    /** Longer than the five minutes a transfer that moved nothing may wait, far shorter than the retention. */
    private static final Duration HALF_WAY = Duration.ofMinutes(4);

    @TempDir
    Path root;
    final FileResumeTest.MovableClock clock = new FileResumeTest.MovableClock();
    final OneJvmClusterLocks locks = new OneJvmClusterLocks();
    final byte[] file = FileClient.random(CHUNKS * CHUNK, 11);
    final ChunkLayout layout = new ChunkLayout(file.length, CHUNK);
    NodeFixture a;
    NodeFixture b;

    @BeforeEach
    void startTwoNodesOnOneRoot() throws Exception {
        a = start();
        b = start();
    }

    private NodeFixture start() throws Exception {
        NodeFixture node = NodeFixture.builder().user("alice", "user").clock(clock)
                .files(FilesSettings.defaults(root.toString()).withChunkSizes(CHUNK, 64 * 1024).withWindow(4)
                        .withRetentionSeconds(3600))
                .loginCapabilities(ALL).start();
        node.files().clusterLocks(locks);
        return node;
    }

    @AfterEach
    void stop() throws Exception {
        for (NodeFixture n : new NodeFixture[] {a, b}) {
            if (n != null) {
                n.close();
            }
        }
    }

    /** Moves the clock past the short retention in two steps, A sweeping half way and B at the end. */
    private void aSweepsHalfWayAndBAtTheEnd() {
        clock.now = clock.now.plus(HALF_WAY);
        a.files().sweep();
        clock.now = clock.now.plus(HALF_WAY);
        b.files().sweep();
    }

    @Test
    void aSlowUploadRunningOnAIsNotSweptByB() throws Exception {
        FrameClient onA = a.login("alice");
        UploadAccept accept = FileClient.accepted(onA, 1, "slow.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(onA, accept.transferId(), file, layout, 0, 2, accept.window(), Compression.NONE);

        aSweepsHalfWayAndBAtTheEnd();

        FileClient.sendChunks(onA, accept.transferId(), file, layout, 2, CHUNKS, accept.window(), Compression.NONE);
        onA.send(new UploadComplete(accept.transferId(), FileClient.sha256(file)));
        Frame answer = onA.next(f -> f instanceof UploadVerify || f instanceof TransferAbort);
        assertThat(answer).isInstanceOf(UploadVerify.class);
        assertThat(((UploadVerify) answer).verified()).isTrue();
        assertThat(FileClient.download(b.login("alice"), "slow.bin", CHUNK, Compression.NONE).bytes()).isEqualTo(file);
    }

    @Test
    void aDownloadRunningOnAKeepsItsCheckpointThroughBsSweep() throws Exception {
        assertThat(FileClient.upload(a.login("alice"), "big.bin", file, CHUNK, Compression.NONE).verified()).isTrue();
        FrameClient onA = a.login("alice");
        DownloadAccept accept = startDownload(onA);

        aSweepsHalfWayAndBAtTheEnd();

        onA.close();
        ResumeResponse resumed = resumeDownload(a.login("alice"), accept);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksMissing()).containsExactly(new ChunkRange(2, CHUNKS - 1));
    }

    @Test
    void aDownloadWaitingOnAAfterItMovedChunksKeepsItsCheckpointThroughBsSweep() throws Exception {
        assertThat(FileClient.upload(a.login("alice"), "big.bin", file, CHUNK, Compression.NONE).verified()).isTrue();
        FrameClient onA = a.login("alice");
        DownloadAccept accept = startDownload(onA);
        // The client goes away with chunks it has not read: the kernel may answer with a reset that
        // takes acknowledgements the node had not read yet with it. The test is about a download
        // that moved chunks, so it lets A count them before the connection goes.
        awaitAcknowledged(accept.transferId(), 2);
        onA.close();
        awaitAtCheckpoint(accept.transferId());

        aSweepsHalfWayAndBAtTheEnd();

        ResumeResponse resumed = resumeDownload(a.login("alice"), accept);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksMissing()).containsExactly(new ChunkRange(2, CHUNKS - 1));
    }

    /** Starts a download of big.bin and takes its first two chunks, acknowledged. */
    private static DownloadAccept startDownload(FrameClient c) throws Exception {
        c.send(new DownloadRequest(1, "big.bin", CHUNK, Compression.NONE));
        DownloadAccept accept = c.await(DownloadAccept.class);
        for (int i = 0; i < 2; i++) {
            ChunkData d = c.await(ChunkData.class);
            c.send(new ChunkAck(accept.transferId(), d.chunkIndex()));
        }
        return accept;
    }

    private static ResumeResponse resumeDownload(FrameClient c, DownloadAccept accept) throws Exception {
        c.send(new ResumeRequest(9, accept.transferId(), TransferDirection.DOWNLOAD, accept.fileHash(),
                List.of(new ChunkRange(0, 1))));
        return c.await(ResumeResponse.class);
    }

    /** Waits until node A counts {@code chunks} chunks of the transfer acknowledged. */
    private void awaitAcknowledged(UUID id, long chunks) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (a.files().transfers().stream().anyMatch(row -> row.id().equals(id) && row.done() >= chunks)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("node A did not count " + chunks + " chunks of " + id + " acknowledged within 30 s");
    }

    /** Waits until node A has seen the cut and keeps the transfer at its checkpoint. */
    private void awaitAtCheckpoint(UUID id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (a.files().transfers().stream()
                    .anyMatch(row -> row.id().equals(id) && row.state().equals("at checkpoint"))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("node A did not park transfer " + id + " within 30 s");
    }
}
