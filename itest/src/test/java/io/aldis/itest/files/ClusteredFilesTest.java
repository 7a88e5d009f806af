package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FileEntry;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files in a cluster whose nodes share one storage root (docs/cluster.md, "Files in a cluster"):
 * three nodes, each in its own JVM with its own Hazelcast member. A file uploaded through A is
 * listed and downloaded through C; an upload cut on A, or stopped by A's death (kill -9), resumes
 * through B with only the missing chunks; two uploads of one name through two nodes end with one
 * published and the other told UPLOAD_CONFLICT, and nothing partial under the name.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// A child JVM that hangs must fail its test, not hold the build.
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusteredFilesTest {
    private static final String SECRET = "files-on-one-shared-root";
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final int CHUNK = 16 * 1024;
    /** The node saves an upload's checkpoint every 64 chunks it stores (Uploads.SAVE_EVERY). */
    private static final int SAVED_EVERY = 64;

    @TempDir
    static Path root;
    private static int[] memberPorts;
    private static ChildNode.Clustered a;
    private static ChildNode.Clustered b;
    private static ChildNode.Clustered c;
    private static final List<FrameClient> clients = new ArrayList<>();

    @BeforeAll
    static void startThreeNodesOnOneRoot() throws Exception {
        memberPorts = ChildNode.freePorts(3);
        CompletableFuture<ChildNode.Clustered> fa = startAsync("a", 0);
        CompletableFuture<ChildNode.Clustered> fb = startAsync("b", 1);
        CompletableFuture<ChildNode.Clustered> fc = startAsync("c", 2);
        a = fa.get(2, TimeUnit.MINUTES);
        b = fb.get(2, TimeUnit.MINUTES);
        c = fc.get(2, TimeUnit.MINUTES);
        for (ChildNode.Clustered n : List.of(a, b, c)) {
            n.awaitCounts(v -> v.members() == 3, "three members", CONVERGE);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        for (FrameClient client : clients) {
            client.close();
        }
        for (ChildNode.Clustered n : new ChildNode.Clustered[] {a, b, c}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    @Order(1)
    void aFileUploadedThroughAIsListedAndDownloadedThroughC() throws Exception {
        byte[] file = FileClient.random(300_000, 1);
        UploadVerify verify = FileClient.upload(login(a), "reports/q4.bin", file, CHUNK, Compression.NONE);
        assertThat(verify.verified()).isTrue();

        FrameClient onC = login(c);
        onC.send(new ListRequest(2, "reports/*", 0, 100));
        ListResponse list = onC.await(ListResponse.class);
        assertThat(list.entries()).extracting(FileEntry::name, FileEntry::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("reports/q4.bin", (long) file.length));

        FileClient.Downloaded down = FileClient.download(onC, "reports/q4.bin", CHUNK, Compression.NONE);
        assertThat(down.accept().fileHash()).isEqualTo(FileClient.sha256(file));
        assertThat(FileClient.sha256(down.bytes())).isEqualTo(FileClient.sha256(file));
    }

    @Test
    @Order(2)
    void anUploadCutOnAResumesThroughBWithOnlyTheMissingChunks() throws Exception {
        byte[] file = FileClient.random(100 * CHUNK, 2);
        FrameClient onA = login(a);
        UploadAccept accept = FileClient.accepted(onA, 1, "cut.bin", file, CHUNK, Compression.NONE);
        ChunkLayout layout = new ChunkLayout(file.length, accept.chunkSize());
        // Acknowledged only once stored and, for the 64th, once the checkpoint listing them is saved.
        FileClient.sendChunks(onA, accept.transferId(), file, layout, 0, SAVED_EVERY, accept.window(),
                Compression.NONE);
        onA.close();
        // Resumed through B only once A saw the cut and parked the upload, as the documentation says.
        awaitParked(a, accept.transferId());

        FrameClient onB = login(b);
        ResumeResponse resumed = resume(onB, accept.transferId(), file);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksReceived()).containsExactly(new ChunkRange(0, SAVED_EVERY - 1));
        assertThat(resumed.chunksMissing()).containsExactly(new ChunkRange(SAVED_EVERY, 99));
        FileClient.sendMissingAndComplete(onB, accept.transferId(), file, layout, resumed);

        FileClient.Downloaded down = FileClient.download(login(c), "cut.bin", CHUNK, Compression.NONE);
        assertThat(FileClient.sha256(down.bytes())).isEqualTo(FileClient.sha256(file));
        assertNoPartialOf(accept.transferId());
        // A still keeps the upload it ran; it must see that B finished it, and answer as for an
        // upload verified lately (the client may have lost B's UPLOAD_VERIFY), not offer its own
        // stale state with chunks 64-99 missing.
        FrameClient backOnA = login(a);
        ResumeResponse again = resume(backOnA, accept.transferId(), file);
        assertThat(again.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(again.chunksMissing()).isEmpty();
        assertThat(again.chunksReceived()).containsExactly(new ChunkRange(0, 99));
        backOnA.send(new UploadComplete(accept.transferId(), FileClient.sha256(file)));
        UploadVerify verifiedAgain = backOnA.await(UploadVerify.class);
        assertThat(verifiedAgain.verified()).isTrue();
        assertThat(verifiedAgain.storedName()).isEqualTo("cut.bin");
        assertThat(FileClient.download(login(c), "cut.bin", CHUNK, Compression.NONE).bytes()).isEqualTo(file);
    }

    @Test
    @Order(3)
    void anUploadCutOnAThenOnBResumesThroughAAgainWithOnlyTheMissingChunks() throws Exception {
        byte[] file = FileClient.random(200 * CHUNK, 8);
        FrameClient onA = login(a);
        UploadAccept accept = FileClient.accepted(onA, 1, "back-and-forth.bin", file, CHUNK, Compression.NONE);
        ChunkLayout layout = new ChunkLayout(file.length, accept.chunkSize());
        FileClient.sendChunks(onA, accept.transferId(), file, layout, 0, SAVED_EVERY, accept.window(),
                Compression.NONE);
        onA.close();

        FrameClient onB = login(b);
        ResumeResponse onBResumed = resume(onB, accept.transferId(), file);
        assertThat(onBResumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(onBResumed.chunksMissing()).containsExactly(new ChunkRange(SAVED_EVERY, 199));
        // B saves the checkpoint after its 64th stored chunk, before it acknowledges it.
        FileClient.sendChunks(onB, accept.transferId(), file, layout, SAVED_EVERY, 2 * SAVED_EVERY,
                onBResumed.window(), Compression.NONE);
        onB.close();

        // A kept the upload it ran, and forgets it once it sees that B took it over; it must still
        // load B's checkpoint then, not refuse the upload as one that ended.
        FrameClient backOnA = login(a);
        ResumeResponse onAAgain = resume(backOnA, accept.transferId(), file);
        assertThat(onAAgain.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(onAAgain.chunksReceived()).containsExactly(new ChunkRange(0, 2 * SAVED_EVERY - 1));
        assertThat(onAAgain.chunksMissing()).containsExactly(new ChunkRange(2 * SAVED_EVERY, 199));
        FileClient.sendMissingAndComplete(backOnA, accept.transferId(), file, layout, onAAgain);

        assertThat(FileClient.download(login(c), "back-and-forth.bin", CHUNK, Compression.NONE).bytes())
                .isEqualTo(file);
        assertNoPartialOf(accept.transferId());
    }

    @Test
    @Order(4)
    void ofTwoUploadsOfOneNameThroughTwoNodesTheFirstToCompleteWinsAndTheOtherHearsUploadConflict()
            throws Exception {
        byte[] first = FileClient.random(20 * CHUNK, 3);
        byte[] second = FileClient.random(30 * CHUNK, 4);
        FrameClient onA = login(a);
        FrameClient onB = login(b);
        UploadAccept acceptA = FileClient.accepted(onA, 1, "same.bin", first, CHUNK, Compression.NONE);
        UploadAccept acceptB = FileClient.accepted(onB, 1, "same.bin", second, CHUNK, Compression.NONE);
        ChunkLayout layoutA = new ChunkLayout(first.length, acceptA.chunkSize());
        ChunkLayout layoutB = new ChunkLayout(second.length, acceptB.chunkSize());
        FileClient.sendChunks(onA, acceptA.transferId(), first, layoutA, 0, layoutA.chunkCount(), acceptA.window(),
                Compression.NONE);
        FileClient.sendChunks(onB, acceptB.transferId(), second, layoutB, 0, layoutB.chunkCount(), acceptB.window(),
                Compression.NONE);

        onA.send(new UploadComplete(acceptA.transferId(), FileClient.sha256(first)));
        assertThat(onA.await(UploadVerify.class).verified()).isTrue();
        onB.send(new UploadComplete(acceptB.transferId(), FileClient.sha256(second)));
        Frame answer = onB.next(f -> f instanceof UploadVerify || f instanceof TransferAbort);
        assertThat(answer).isInstanceOf(TransferAbort.class);
        TransferAbort abort = (TransferAbort) answer;
        assertThat(abort.code()).isEqualTo(ErrorCode.UPLOAD_CONFLICT.code());
        assertThat(abort.resumable()).isFalse();
        assertThat(abort.reason()).contains("same.bin", "changed after this upload began");

        FileClient.Downloaded down = FileClient.download(login(c), "same.bin", CHUNK, Compression.NONE);
        assertThat(down.bytes()).isEqualTo(first);
        assertNoPartialOf(acceptB.transferId());
    }

    @Test
    @Order(5)
    void ofTwoUploadsOfOneNameCompletedAtOnceThroughTwoNodesExactlyOneIsPublishedWhole() throws Exception {
        byte[] one = FileClient.random(40 * CHUNK, 5);
        byte[] other = FileClient.random(41 * CHUNK, 6);
        FrameClient onA = login(a);
        FrameClient onB = login(b);
        UploadAccept acceptA = FileClient.accepted(onA, 1, "race.bin", one, CHUNK, Compression.NONE);
        UploadAccept acceptB = FileClient.accepted(onB, 1, "race.bin", other, CHUNK, Compression.NONE);
        ChunkLayout layoutA = new ChunkLayout(one.length, acceptA.chunkSize());
        ChunkLayout layoutB = new ChunkLayout(other.length, acceptB.chunkSize());
        FileClient.sendChunks(onA, acceptA.transferId(), one, layoutA, 0, layoutA.chunkCount(), acceptA.window(),
                Compression.NONE);
        FileClient.sendChunks(onB, acceptB.transferId(), other, layoutB, 0, layoutB.chunkCount(), acceptB.window(),
                Compression.NONE);

        onA.send(new UploadComplete(acceptA.transferId(), FileClient.sha256(one)));
        onB.send(new UploadComplete(acceptB.transferId(), FileClient.sha256(other)));
        Frame answerA = onA.next(f -> f instanceof UploadVerify || f instanceof TransferAbort);
        Frame answerB = onB.next(f -> f instanceof UploadVerify || f instanceof TransferAbort);

        boolean aWon = answerA instanceof UploadVerify v && v.verified();
        boolean bWon = answerB instanceof UploadVerify v && v.verified();
        assertThat(aWon ^ bWon).as("exactly one publishes: A %s, B %s", answerA, answerB).isTrue();
        TransferAbort lost = (TransferAbort) (aWon ? answerB : answerA);
        assertThat(lost.code()).isEqualTo(ErrorCode.UPLOAD_CONFLICT.code());
        FileClient.Downloaded down = FileClient.download(login(c), "race.bin", CHUNK, Compression.NONE);
        assertThat(down.bytes()).isEqualTo(aWon ? one : other);
    }

    @Test
    @Order(6)
    void anUploadStoppedByTheDeathOfAResumesThroughBWithOnlyTheMissingChunks() throws Exception {
        byte[] file = FileClient.random(100 * CHUNK, 7);
        FrameClient onA = login(a);
        UploadAccept accept = FileClient.accepted(onA, 1, "killed.bin", file, CHUNK, Compression.NONE);
        ChunkLayout layout = new ChunkLayout(file.length, accept.chunkSize());
        FileClient.sendChunks(onA, accept.transferId(), file, layout, 0, SAVED_EVERY, accept.window(),
                Compression.NONE);
        a.close(); // kill -9: A parks nothing and saves nothing more

        FrameClient onB = login(b);
        ResumeResponse resumed = resume(onB, accept.transferId(), file);
        assertThat(resumed.status()).isEqualTo(ResumeStatus.RESUMABLE);
        assertThat(resumed.chunksMissing()).containsExactly(new ChunkRange(SAVED_EVERY, 99));
        FileClient.sendMissingAndComplete(onB, accept.transferId(), file, layout, resumed);

        FileClient.Downloaded down = FileClient.download(login(c), "killed.bin", CHUNK, Compression.NONE);
        assertThat(FileClient.sha256(down.bytes())).isEqualTo(FileClient.sha256(file));
        assertNoPartialOf(accept.transferId());
    }

    // ---------------------------------------------------------------- helpers

    private static ResumeResponse resume(FrameClient client, UUID id, byte[] file) throws IOException {
        client.send(new ResumeRequest(9, id, TransferDirection.UPLOAD, FileClient.sha256(file), List.of()));
        return client.await(ResumeResponse.class);
    }

    /**
     * No partial file of the transfer is left on the shared root, and no file of the area is partial.
     * The nodes still write and delete their own states there while it is walked: the checkpoint of
     * the download just made goes once its node handles DOWNLOAD_VERIFY, which it never answers.
     * An entry gone between the reading of its directory and the reading of its attributes was
     * there when the directory was read, so it is counted all the same.
     */
    private static void assertNoPartialOf(UUID id) throws IOException {
        List<String> names = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                names.add(dir.getFileName().toString());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                names.add(file.getFileName().toString());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (!(e instanceof NoSuchFileException)) {
                    throw e;
                }
                names.add(file.getFileName().toString());
                return FileVisitResult.CONTINUE;
            }
        });
        assertThat(names).noneMatch(n -> n.startsWith(id.toString()));
    }

    private static CompletableFuture<ChildNode.Clustered> startAsync(String name, int index) {
        List<String> others = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            if (i != index) {
                others.add("127.0.0.1:" + memberPorts[i]);
            }
        }
        return ChildNode.startAsync(
                () -> ChildNode.startClustered(name, SECRET, memberPorts[index], others, root, Duration.ZERO));
    }

    private static void awaitParked(ChildNode.Clustered node, UUID id) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (!node.parked(id)) {
            assertThat(System.nanoTime()).as("node %s parks %s within %s", node.name(), id, CONVERGE)
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static FrameClient login(ChildNode.Clustered node) throws Exception {
        FrameClient client = FrameClient.tcp(node.port());
        clients.add(client);
        client.login(ChildNode.USER, NodeFixture.PASSWORD);
        return client;
    }

}
