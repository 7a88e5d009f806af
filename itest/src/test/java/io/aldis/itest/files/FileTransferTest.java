package io.aldis.itest.files;

import static io.aldis.itest.files.FileClient.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.DownloadReject;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.FileEntry;
import io.aldis.protocol.api.FileRemove;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.auth.Authorizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Uploads, downloads, chunk checks, names, permissions, list and remove against a real node over TCP. */
class FileTransferTest {
    static final long ALL = Capability.maskOf(EnumSet.allOf(Capability.class));
    static final int CHUNK = 4096;

    NodeFixture node;
    FrameClient alice;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user").user("bob", "user")
                .files(FilesSettings.defaults("").withChunkSizes(CHUNK, 64 * 1024).withWindow(4))
                .loginCapabilities(ALL).start();
        alice = node.login("alice");
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void connectAckAnnouncesFileTransferLz4AndTheFeaturesLimitsOnlyWhileItRuns() throws Exception {
        ConnectAck ack = alice.connectAck();
        assertThat(Capability.fromMask(ack.capabilities())).contains(Capability.FILE_TRANSFER, Capability.LZ4);
        assertThat(ack.maxFileSize()).isEqualTo(FilesSettings.defaults("").maxFileSize());
        assertThat(ack.maxChunkSize()).isEqualTo(64 * 1024);

        node.stopFiles();
        CapabilityChange change = alice.await(CapabilityChange.class);
        assertThat(Capability.fromMask(change.capabilities())).doesNotContain(Capability.FILE_TRANSFER, Capability.LZ4);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK, 3 * CHUNK, 3 * CHUNK + 17})
    void roundTripsOfEverySizeAreByteEqualAndHashChecked(int size) throws Exception {
        for (Compression compression : Compression.values()) {
            for (byte[] file : List.of(FileClient.random(size, size), FileClient.text(size))) {
                String name = "dir/f-" + size + "-" + compression + ".bin";
                UploadVerify verify = FileClient.upload(alice, name, file, CHUNK, compression);
                assertThat(verify.verified()).isTrue();
                assertThat(verify.computedHash()).isEqualTo(sha256(file));
                assertThat(verify.storedName()).isEqualTo(name);

                FileClient.Downloaded got = FileClient.download(alice, name, 0, compression);
                assertThat(got.bytes()).isEqualTo(file);
                assertThat(got.accept().fileHash()).isEqualTo(sha256(file));
                assertThat(got.accept().chunkCount()).isEqualTo((int) ChunkLayout.count(size, CHUNK));
            }
        }
    }

    @Test
    void compressibleChunksTravelCompressedAndRandomOnesAsTheyAreWithAdaptive() throws Exception {
        FileClient.upload(alice, "log.txt", FileClient.text(8 * CHUNK), CHUNK, Compression.NONE);
        FileClient.upload(alice, "noise.bin", FileClient.random(8 * CHUNK, 3), CHUNK, Compression.NONE);

        alice.send(new DownloadRequest(1, "log.txt", CHUNK, Compression.ADAPTIVE));
        ChunkData text = alice.await(ChunkData.class);
        assertThat(text.compressed()).isTrue();
        assertThat(text.data().length).isLessThan(CHUNK / 2);
        alice.close();

        FrameClient again = node.login("alice");
        again.send(new DownloadRequest(1, "noise.bin", CHUNK, Compression.ADAPTIVE));
        ChunkData noise = again.await(ChunkData.class);
        assertThat(noise.compressed()).isFalse();
        assertThat(noise.data()).hasSize(CHUNK);
    }

    @Test
    void aCorruptedChunkIsNackedAndTheResentOneCompletesAVerifiedUpload() throws Exception {
        byte[] file = FileClient.random(2 * CHUNK, 1);
        UploadAccept accept = FileClient.accepted(alice, 1, "c.bin", file, CHUNK, Compression.NONE);
        ChunkLayout layout = new ChunkLayout(file.length, CHUNK);
        ChunkData good = FileClient.chunk(accept.transferId(), file, layout, 0, Compression.NONE);
        byte[] flipped = good.data().clone();
        flipped[100] ^= 0x40;
        alice.send(new ChunkData(false, false, accept.transferId(), 0, CHUNK, good.crc32(), flipped));
        ChunkNack nack = alice.await(ChunkNack.class);
        assertThat(nack.chunkIndex()).isZero();
        assertThat(nack.code()).isEqualTo(ErrorCode.CHUNK_CHECKSUM_ERROR.code());

        FileClient.sendChunks(alice, accept.transferId(), file, layout, 0, 2, accept.window(), Compression.NONE);
        alice.send(new UploadComplete(accept.transferId(), sha256(file)));
        assertThat(alice.await(UploadVerify.class).verified()).isTrue();
        assertThat(Files.readAllBytes(published("alice", "c.bin"))).isEqualTo(file);
    }

    @Test
    void aDownloadedChunkTheClientNacksIsReadAgainAndResentFiveTimesAtMost() throws Exception {
        byte[] file = FileClient.random(2 * CHUNK, 4);
        FileClient.upload(alice, "n.bin", file, CHUNK, Compression.NONE);
        alice.send(new DownloadRequest(1, "n.bin", CHUNK, Compression.NONE));
        io.aldis.protocol.api.DownloadAccept accept = alice.await(io.aldis.protocol.api.DownloadAccept.class);
        ChunkData first = alice.next(f -> f instanceof ChunkData d && d.chunkIndex() == 0);
        alice.send(new ChunkNack(accept.transferId(), 0, ErrorCode.CHUNK_CHECKSUM_ERROR.code()));
        ChunkData again = alice.next(f -> f instanceof ChunkData d && d.chunkIndex() == 0);
        assertThat(again.data()).isEqualTo(first.data()).isEqualTo(java.util.Arrays.copyOf(file, CHUNK));
        alice.send(new ChunkAck(accept.transferId(), 0));
        alice.send(new ChunkAck(accept.transferId(), 1));
        alice.await(io.aldis.protocol.api.DownloadComplete.class);
        alice.send(new io.aldis.protocol.api.DownloadVerify(true, accept.transferId()));

        alice.send(new DownloadRequest(2, "n.bin", CHUNK, Compression.NONE));
        io.aldis.protocol.api.DownloadAccept second = alice.await(io.aldis.protocol.api.DownloadAccept.class);
        for (int i = 1; i <= 5; i++) {
            alice.next(f -> f instanceof ChunkData d && d.chunkIndex() == 1 && d.transferId().equals(second.transferId()));
            alice.send(new ChunkNack(second.transferId(), 1, ErrorCode.CHUNK_CHECKSUM_ERROR.code()));
        }
        TransferAbort abort = alice.await(TransferAbort.class);
        assertThat(abort.transferId()).isEqualTo(second.transferId());
        assertThat(abort.resumable()).isFalse();
        assertThat(abort.code()).isEqualTo(ErrorCode.CHUNK_CHECKSUM_ERROR.code());
    }

    @Test
    void aChunkNackedFiveTimesFailsTheUploadForGood() throws Exception {
        byte[] file = FileClient.random(CHUNK, 1);
        UploadAccept accept = FileClient.accepted(alice, 1, "bad.bin", file, CHUNK, Compression.NONE);
        ChunkData good = FileClient.chunk(accept.transferId(), file, new ChunkLayout(CHUNK, CHUNK), 0, Compression.NONE);
        ChunkData bad = new ChunkData(false, true, accept.transferId(), 0, CHUNK, good.crc32() ^ 1, good.data());
        for (int i = 0; i < 4; i++) {
            alice.send(bad);
            assertThat(alice.await(ChunkNack.class).code()).isEqualTo(ErrorCode.CHUNK_CHECKSUM_ERROR.code());
        }
        alice.send(bad);
        TransferAbort abort = alice.await(TransferAbort.class);
        assertThat(abort.resumable()).isFalse();
        assertThat(abort.code()).isEqualTo(ErrorCode.CHUNK_CHECKSUM_ERROR.code());
        assertThat(Files.exists(node.fileStore().partialPath(accept.transferId().toString()))).isFalse();

        alice.send(good);
        assertThat(alice.await(TransferAbort.class).code()).isEqualTo(ErrorCode.TRANSFER_NOT_FOUND.code());
    }

    @Test
    void lyingSizesBombsOversizeChunksAndIndicesOutOfRangeAreNacked() throws Exception {
        byte[] file = FileClient.text(2 * CHUNK + 10);
        UploadAccept accept = FileClient.accepted(alice, 1, "x.txt", file, CHUNK, Compression.ADAPTIVE);
        UUID id = accept.transferId();
        ChunkLayout layout = new ChunkLayout(file.length, CHUNK);
        ChunkData real = FileClient.chunk(id, file, layout, 0, Compression.LZ4);

        // originalSize that is not the chunk's
        alice.send(new ChunkData(true, false, id, 0, CHUNK * 100, real.crc32(), real.data()));
        assertThat(alice.await(ChunkNack.class).code()).isEqualTo(ErrorCode.CHUNK_OUT_OF_RANGE.code());
        // a block that expands far past the chunk: 1 MiB of zeros in a few bytes
        byte[] bomb = ChunkCodec.encode(new byte[1 << 20], 0, 1 << 20, Compression.LZ4).data();
        alice.send(new ChunkData(true, false, id, 0, CHUNK, real.crc32(), bomb));
        assertThat(alice.await(ChunkNack.class).code()).isEqualTo(ErrorCode.DECOMPRESSION_FAILED.code());
        // more bytes than the chunk holds, uncompressed
        alice.send(new ChunkData(false, false, id, 1, CHUNK, 0, new byte[CHUNK + 1]));
        assertThat(alice.await(ChunkNack.class).code()).isEqualTo(ErrorCode.CHUNK_OUT_OF_RANGE.code());
        // an index past the last chunk
        alice.send(new ChunkData(false, false, id, 3, 10, 0, new byte[10]));
        ChunkNack outside = alice.await(ChunkNack.class);
        assertThat(outside.chunkIndex()).isEqualTo(3);
        assertThat(outside.code()).isEqualTo(ErrorCode.CHUNK_OUT_OF_RANGE.code());

        FileClient.sendChunks(alice, id, file, layout, 0, 3, accept.window(), Compression.ADAPTIVE);
        alice.send(new UploadComplete(id, sha256(file)));
        assertThat(alice.await(UploadVerify.class).verified()).isTrue();
    }

    @Test
    void chunksForAnUnknownTransferOrAnotherUsersAreAnsweredTransferNotFound() throws Exception {
        byte[] file = FileClient.random(CHUNK, 9);
        UploadAccept accept = FileClient.accepted(alice, 1, "mine.bin", file, CHUNK, Compression.NONE);
        ChunkData chunk = FileClient.chunk(accept.transferId(), file, new ChunkLayout(CHUNK, CHUNK), 0, Compression.NONE);

        FrameClient bob = node.login("bob");
        bob.send(chunk);
        TransferAbort abort = bob.await(TransferAbort.class);
        assertThat(abort.code()).isEqualTo(ErrorCode.TRANSFER_NOT_FOUND.code());
        assertThat(abort.resumable()).isFalse();
        bob.send(new UploadComplete(accept.transferId(), sha256(file)));
        assertThat(bob.await(TransferAbort.class).code()).isEqualTo(ErrorCode.TRANSFER_NOT_FOUND.code());

        UUID unknown = UUID.randomUUID();
        alice.send(new ChunkData(false, true, unknown, 0, CHUNK, chunk.crc32(), chunk.data()));
        TransferAbort none = alice.await(TransferAbort.class);
        assertThat(none.transferId()).isEqualTo(unknown);
        assertThat(none.code()).isEqualTo(ErrorCode.TRANSFER_NOT_FOUND.code());

        // Alice's upload is untouched by all this.
        alice.send(chunk);
        assertThat(alice.await(ChunkAck.class).chunkIndex()).isZero();
    }

    @Test
    void goingBeyondTheWindowAbortsResumably() throws Exception {
        byte[] file = FileClient.random(10 * CHUNK, 2);
        UploadAccept accept = FileClient.accepted(alice, 1, "w.bin", file, CHUNK, Compression.NONE);
        assertThat(accept.window()).isEqualTo(4);
        ChunkLayout layout = new ChunkLayout(file.length, CHUNK);
        // A NACKed chunk stays unacknowledged, so four NACKed chunks fill the window for certain.
        for (int i = 0; i < 4; i++) {
            ChunkData good = FileClient.chunk(accept.transferId(), file, layout, i, Compression.NONE);
            alice.send(new ChunkData(false, false, accept.transferId(), i, CHUNK, good.crc32() ^ 1, good.data()));
            assertThat(alice.await(ChunkNack.class).chunkIndex()).isEqualTo(i);
        }
        alice.send(FileClient.chunk(accept.transferId(), file, layout, 4, Compression.NONE));
        TransferAbort abort = alice.await(TransferAbort.class);
        assertThat(abort.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        assertThat(abort.resumable()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../up.txt", "a/../../up.txt", "/etc/passwd", "a//b", "./a", "a/.", "a\\b", "nul\u0000x",
            "tab\tname", "CON", "aux.txt", "dir/LPT9.log", "com1"})
    void namesThatBreakARuleAreRefusedWithInvalidFileName(String name) throws Exception {
        Frame answer = FileClient.request(alice, 1, name, new byte[1], CHUNK, Compression.NONE);
        assertThat(answer).isInstanceOf(UploadReject.class);
        assertThat(((UploadReject) answer).code()).isEqualTo(ErrorCode.INVALID_FILE_NAME.code());

        alice.send(new DownloadRequest(2, name, 0, Compression.NONE));
        assertThat(alice.await(DownloadReject.class).code()).isEqualTo(ErrorCode.INVALID_FILE_NAME.code());
    }

    @Test
    void overLongNamesAndSegmentsAreRefused() throws Exception {
        for (String name : List.of("a".repeat(256), ("abcdefgh/").repeat(114) + "x")) {
            Frame answer = FileClient.request(alice, 1, name, new byte[1], CHUNK, Compression.NONE);
            assertThat(((UploadReject) answer).code()).isEqualTo(ErrorCode.INVALID_FILE_NAME.code());
        }
    }

    @Test
    void aSymbolicLinkThatLeadsOutOfTheAreaIsRefusedBothWays(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("secret.txt"), "secret");
        FileClient.upload(alice, "keep.txt", new byte[] {1}, CHUNK, Compression.NONE);
        Path area = published("alice", "keep.txt").getParent();
        Files.createSymbolicLink(area.resolve("out"), outside);

        Frame answer = FileClient.request(alice, 1, "out/new.txt", new byte[1], CHUNK, Compression.NONE);
        assertThat(((UploadReject) answer).code()).isEqualTo(ErrorCode.INVALID_FILE_NAME.code());
        alice.send(new DownloadRequest(2, "out/secret.txt", 0, Compression.NONE));
        assertThat(alice.await(DownloadReject.class).code()).isEqualTo(ErrorCode.INVALID_FILE_NAME.code());
        alice.send(new FileRemove(3, "out/secret.txt"));
        ErrorFrame error = alice.await(ErrorFrame.class);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_FILE_NAME.code());
        assertThat(outside.resolve("secret.txt")).exists();
        assertThat(Files.list(outside)).hasSize(1);
    }

    @Test
    void eachActionAsksItsOwnPermission() throws Exception {
        FileClient.upload(alice, "r/doc.txt", new byte[] {1, 2}, CHUNK, Compression.NONE);
        FileClient.upload(alice, "hidden/doc.txt", new byte[] {3}, CHUNK, Compression.NONE);
        node.authorizer(new Authorizer() {
            @Override
            public boolean permits(AuthenticatedUser user, String domain, String resource, String action) {
                return Authorizer.FILES.equals(domain) && switch (action) {
                    case "write" -> resource.startsWith("w/");
                    case "read" -> resource.startsWith("r/");
                    case "list" -> !resource.startsWith("hidden/");
                    case "delete" -> resource.startsWith("d/");
                    default -> false;
                };
            }

            @Override
            public boolean permitsAll(AuthenticatedUser user, String domain, String pattern, String action) {
                return false;
            }
        });

        assertThat(((UploadReject) FileClient.request(alice, 1, "r/new.txt", new byte[1], CHUNK, Compression.NONE))
                .code()).isEqualTo(ErrorCode.FORBIDDEN.code());
        assertThat(FileClient.request(alice, 2, "w/new.txt", new byte[1], CHUNK, Compression.NONE))
                .isInstanceOf(UploadAccept.class);

        alice.send(new DownloadRequest(3, "hidden/doc.txt", 0, Compression.NONE));
        assertThat(alice.await(DownloadReject.class).code()).isEqualTo(ErrorCode.FORBIDDEN.code());
        assertThat(FileClient.download(alice, "r/doc.txt", 0, Compression.NONE).bytes()).containsExactly(1, 2);

        alice.send(new ListRequest(4, "**", 0, 100));
        ListResponse list = alice.await(ListResponse.class);
        assertThat(list.entries()).extracting(FileEntry::name).containsExactly("r/doc.txt");

        alice.send(new FileRemove(5, "r/doc.txt"));
        assertThat(alice.await(ErrorFrame.class).code()).isEqualTo(ErrorCode.FORBIDDEN.code());
        assertThat(published("alice", "r/doc.txt")).exists();
    }

    @Test
    void aTransferPolicyMayRefuseUploadsAndDownloadsWithItsReason() throws Exception {
        FileClient.upload(alice, "ok.txt", new byte[] {1}, CHUNK, Compression.NONE);
        node.files().context().policies().add(new io.aldis.feature.filetransfer.api.TransferPolicy() {
            @Override
            public io.aldis.feature.filetransfer.api.Verdict upload(
                    io.aldis.feature.filetransfer.api.TransferRequest request) {
                return request.name().endsWith(".exe") || request.size() > 100
                        ? io.aldis.feature.filetransfer.api.Verdict.refuse("no programs, nothing over 100 bytes")
                        : io.aldis.feature.filetransfer.api.Verdict.allow();
            }

            @Override
            public io.aldis.feature.filetransfer.api.Verdict download(
                    io.aldis.feature.filetransfer.api.TransferRequest request) {
                return request.user().equals("alice") && request.size() == 1
                        ? io.aldis.feature.filetransfer.api.Verdict.refuse("quarantined")
                        : io.aldis.feature.filetransfer.api.Verdict.allow();
            }
        });
        UploadReject refused = (UploadReject) FileClient.request(alice, 1, "setup.exe", new byte[5], CHUNK,
                Compression.NONE);
        assertThat(refused.code()).isEqualTo(ErrorCode.UPLOAD_REJECTED.code());
        assertThat(refused.reason()).isEqualTo("no programs, nothing over 100 bytes");
        assertThat(FileClient.request(alice, 2, "fine.txt", new byte[5], CHUNK, Compression.NONE))
                .isInstanceOf(UploadAccept.class);
        alice.send(new DownloadRequest(3, "ok.txt", 0, Compression.NONE));
        DownloadReject held = alice.await(DownloadReject.class);
        assertThat(held.code()).isEqualTo(ErrorCode.DOWNLOAD_REJECTED.code());
        assertThat(held.reason()).isEqualTo("quarantined");
    }

    @Test
    void aPartialUploadIsNeverVisibleUnderItsNameNorListed() throws Exception {
        byte[] old = FileClient.random(10, 5);
        FileClient.upload(alice, "report.pdf", old, CHUNK, Compression.NONE);
        byte[] file = FileClient.random(3 * CHUNK, 6);
        UploadAccept accept = FileClient.accepted(alice, 1, "report.pdf", file, CHUNK, Compression.NONE);
        ChunkLayout layout = new ChunkLayout(file.length, CHUNK);
        FileClient.sendChunks(alice, accept.transferId(), file, layout, 0, 3, accept.window(), Compression.NONE);

        // Every chunk is stored, but until UPLOAD_VERIFY the name holds the old file, and only it is listed.
        assertThat(Files.readAllBytes(published("alice", "report.pdf"))).isEqualTo(old);
        alice.send(new ListRequest(2, "", 0, 100));
        ListResponse list = alice.await(ListResponse.class);
        assertThat(list.entries()).extracting(FileEntry::name, FileEntry::size).containsExactly(
                org.assertj.core.groups.Tuple.tuple("report.pdf", 10L));

        alice.send(new UploadComplete(accept.transferId(), sha256(file)));
        assertThat(alice.await(UploadVerify.class).verified()).isTrue();
        assertThat(Files.readAllBytes(published("alice", "report.pdf"))).isEqualTo(file);
    }

    @Test
    void theHashesOfPublishedFilesOutliveTheFeatureAndAChangedFileIsHashedAgain() throws Exception {
        byte[] file = FileClient.random(3 * CHUNK, 11);
        FileClient.upload(alice, "kept.bin", file, CHUNK, Compression.NONE);
        node.stopFiles();
        // Same size, same modification time, other bytes: only the kept index can still give the old hash.
        Path path = published("alice", "kept.bin");
        java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(path);
        byte[] other = FileClient.random(3 * CHUNK, 12);
        Files.write(path, other);
        Files.setLastModifiedTime(path, modified);
        node.startFiles();
        FrameClient again = node.login("alice");

        again.send(new DownloadRequest(1, "kept.bin", CHUNK, Compression.NONE));
        assertThat(again.await(io.aldis.protocol.api.DownloadAccept.class).fileHash()).isEqualTo(sha256(file));
        again.close();

        Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.fromMillis(modified.toMillis() + 5000));
        FrameClient third = node.login("alice");
        third.send(new DownloadRequest(2, "kept.bin", CHUNK, Compression.NONE));
        assertThat(third.await(io.aldis.protocol.api.DownloadAccept.class).fileHash()).isEqualTo(sha256(other));
    }

    @Test
    void aHashThatDoesNotMatchDiscardsTheUpload() throws Exception {
        byte[] file = FileClient.random(CHUNK + 1, 8);
        UploadAccept accept = FileClient.accepted(alice, 1, "h.bin", file, CHUNK, Compression.NONE);
        FileClient.sendChunks(alice, accept.transferId(), file, new ChunkLayout(file.length, CHUNK), 0, 2,
                accept.window(), Compression.NONE);
        alice.send(new UploadComplete(accept.transferId(), sha256(new byte[] {1})));
        UploadVerify verify = alice.await(UploadVerify.class);
        assertThat(verify.verified()).isFalse();
        assertThat(verify.computedHash()).isEqualTo(sha256(file));
        assertThat(verify.storedName()).isEmpty();
        assertThat(published("alice", "h.bin")).doesNotExist();
        assertThat(node.fileStore().partialPath(accept.transferId().toString())).doesNotExist();
        assertThat(node.files().counters().failed()).isEqualTo(1);
        assertThat(node.files().counters().uploaded()).isZero();
    }

    @Test
    void tooLargeFilesAndChunkCountsThatDoNotFollowAreRejected() throws Exception {
        node.files().update(node.files().settings().withMaxFileSize(100));
        alice.send(new io.aldis.protocol.api.UploadRequest(1, "big", 101, FileClient.NO_HASH, 1, 4096,
                Compression.NONE, ""));
        assertThat(alice.await(UploadReject.class).code()).isEqualTo(ErrorCode.FILE_TOO_LARGE.code());
        alice.send(new io.aldis.protocol.api.UploadRequest(2, "odd", 100, FileClient.NO_HASH, 3, 10,
                Compression.NONE, ""));
        assertThat(alice.await(UploadReject.class).code()).isEqualTo(ErrorCode.CHUNK_OUT_OF_RANGE.code());
    }

    @Test
    void listingMatchesGlobsSortsByUtf8AndPages() throws Exception {
        for (String name : List.of("b.pdf", "a.pdf", "Z.pdf", "é.pdf", "docs/x.pdf", "docs/deep/y.pdf", "c.txt")) {
            FileClient.upload(alice, name, new byte[] {1}, CHUNK, Compression.NONE);
        }
        alice.send(new ListRequest(1, "*.pdf", 0, 100));
        ListResponse top = alice.await(ListResponse.class);
        assertThat(top.entries()).extracting(FileEntry::name).containsExactly("Z.pdf", "a.pdf", "b.pdf", "é.pdf");
        alice.send(new ListRequest(2, "**/*.pdf", 1, 2));
        ListResponse page = alice.await(ListResponse.class);
        assertThat(page.totalCount()).isEqualTo(6);
        assertThat(page.entries()).extracting(FileEntry::name).containsExactly("a.pdf", "b.pdf");
        alice.send(new ListRequest(3, "[", 0, 10));
        assertThat(alice.await(ErrorFrame.class).code()).isEqualTo(ErrorCode.INVALID_FILE_NAME.code());

        FrameClient bob = node.login("bob");
        bob.send(new ListRequest(4, "", 0, 10));
        assertThat(bob.await(ListResponse.class).totalCount()).isZero();
    }

    @Test
    void removeDeletesAPublishedFileAndSaysWhenThereIsNone() throws Exception {
        FileClient.upload(alice, "gone.txt", new byte[] {1}, CHUNK, Compression.NONE);
        assertThat(node.files().counters().uploaded()).isEqualTo(1);
        assertThat(node.files().counters().uploadedBytes()).isEqualTo(1);
        alice.send(new FileRemove(1, "gone.txt"));
        assertThat(alice.await(Ack.class).requestId()).isEqualTo(1);
        assertThat(node.files().counters().removed()).isEqualTo(1);
        assertThat(published("alice", "gone.txt")).doesNotExist();
        alice.send(new FileRemove(2, "gone.txt"));
        assertThat(alice.await(ErrorFrame.class).code()).isEqualTo(ErrorCode.FILE_NOT_FOUND_ON_SERVER.code());
        alice.send(new DownloadRequest(3, "gone.txt", 0, Compression.NONE));
        assertThat(alice.await(DownloadReject.class).code()).isEqualTo(ErrorCode.FILE_NOT_FOUND_ON_SERVER.code());
    }

    private Path published(String user, String name) {
        return node.fileStore().root().resolve(user).resolve(name);
    }
}
