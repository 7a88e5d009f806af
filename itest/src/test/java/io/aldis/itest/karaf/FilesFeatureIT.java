package io.aldis.itest.karaf;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The file-transfer feature in the distribution: it boots with the node, its capabilities come
 * and go with it, and uninstalling and installing aldis-files, updating its bundle or refreshing it
 * in the middle of an upload keeps the session (and leaves the core untouched), after which the
 * upload resumes where it stopped.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FilesFeatureIT extends AldisKarafTestSupport {
    private static final String USER = "fileuser";
    private static final String PASSWORD = "files-Pa55word";
    private static final long CAPABILITIES = Capability.maskOf(EnumSet.allOf(Capability.class));
    private static final int CHUNK = 64 * 1024;
    private static boolean prepared;

    @Before
    public void nodeIsUp() throws Exception {
        awaitAldisBundlesActive();
        awaitListener(DEFAULT_PORT);
        awaitCapability("file_transfer");
        synchronized (FilesFeatureIT.class) {
            if (!prepared) {
                executeCommand("aldis:user-add -p " + PASSWORD + " " + USER);
                prepared = true;
            }
        }
    }

    @Test
    public void theFeatureBootsWithTheNodeAndAnnouncesItsCapabilitiesAndLimits() throws Exception {
        try (FrameClient client = login()) {
            ConnectAck ack = client.connectAck();
            assertTrue(Capability.fromMask(ack.capabilities()).containsAll(
                    EnumSet.of(Capability.FILE_TRANSFER, Capability.LZ4)));
            assertEquals(10L * 1024 * 1024 * 1024, ack.maxFileSize());
            assertEquals(1048542, ack.maxChunkSize());
            byte[] file = text(3 * CHUNK + 11);
            UploadAccept accept = request(client, "boot/check.log", file);
            sendChunks(client, accept, file, 0, 4);
            client.send(new UploadComplete(accept.transferId(), sha256(file)));
            assertTrue(client.next(UploadVerify.class).verified());
        }
    }

    @Test
    public void downloadsGiveTheUploadedFilesBackChunkByChunkCompressedOrNot() throws Exception {
        try (FrameClient client = login()) {
            // Random chunks go as they are, from the buffer they were read into; text ones compressed.
            for (boolean compressible : new boolean[] {false, true}) {
                byte[] file = compressible ? text(2 * CHUNK + 3) : random(5 * CHUNK + 7);
                String name = "down/" + file.length + ".bin";
                UploadAccept upload = request(client, name, file);
                sendChunks(client, upload, file, 0, (int) ChunkLayout.count(file.length, CHUNK));
                client.send(new UploadComplete(upload.transferId(), sha256(file)));
                assertTrue(client.next(UploadVerify.class).verified());

                client.send(new DownloadRequest(5, name, 4 * CHUNK, Compression.ADAPTIVE));
                DownloadAccept accept = client.next(DownloadAccept.class);
                assertArrayEquals(sha256(file), accept.fileHash());
                ChunkLayout layout = new ChunkLayout(file.length, accept.chunkSize());
                byte[] received = new byte[file.length];
                boolean anyCompressed = false;
                for (int n = 0; n < layout.chunkCount(); n++) {
                    ChunkData chunk = client.next(ChunkData.class);
                    int i = chunk.chunkIndex();
                    byte[] bytes = ChunkCodec.decode(chunk.compressed(), chunk.data(), chunk.originalSize(),
                            layout.sizeOf(i), chunk.crc32());
                    System.arraycopy(bytes, 0, received, (int) layout.offsetOf(i), bytes.length);
                    anyCompressed |= chunk.compressed();
                    assertEquals(i == layout.chunkCount() - 1, chunk.last());
                    client.send(new ChunkAck(accept.transferId(), i));
                }
                client.next(DownloadComplete.class);
                client.send(new DownloadVerify(true, accept.transferId()));
                assertArrayEquals(file, received);
                assertEquals(compressible, anyCompressed);
            }
        }
    }

    @Test
    public void uninstallingAndInstallingMidUploadKeepsTheSessionAndTheUploadResumes() throws Exception {
        swapMidUpload(Swap.REINSTALL);
    }

    @Test
    public void updatingTheBundleMidUploadKeepsTheSessionAndTheUploadResumes() throws Exception {
        swapMidUpload(Swap.UPDATE);
    }

    @Test
    public void refreshingTheBundleMidUploadKeepsTheSessionAndTheUploadResumes() throws Exception {
        swapMidUpload(Swap.REFRESH);
    }

    private enum Swap { REINSTALL, UPDATE, REFRESH }

    private void swapMidUpload(Swap swap) throws Exception {
        try (CoreWatch core = new CoreWatch(bundleContext, bundle("io.aldis.node.core"), bundle("io.aldis.protocol.api"));
                FrameClient client = login()) {
            byte[] file = random(5 * CHUNK + 3);
            String name = "swap/" + swap.name().toLowerCase(java.util.Locale.ROOT) + ".bin";
            UploadAccept accept = request(client, name, file);
            sendChunks(client, accept, file, 0, 2);
            String listing = executeCommand("aldis:transfer-list --no-format");
            assertTrue(listing, listing.contains(accept.transferId().toString()) && listing.contains(name)
                    && listing.contains("running"));

            switch (swap) {
                case REINSTALL -> {
                    executeCommand("feature:uninstall aldis-files");
                    assertFalse(Capability.fromMask(client.next(CapabilityChange.class).capabilities())
                            .contains(Capability.FILE_TRANSFER));
                    client.send(new Ping(7));
                    assertEquals(7, client.next(Pong.class).nonce());
                    try (FrameClient other = login()) {
                        assertFalse(Capability.fromMask(other.connectAck().capabilities())
                                .contains(Capability.FILE_TRANSFER));
                    }
                    executeCommand("feature:install aldis-files");
                }
                case UPDATE, REFRESH -> {
                    long id = bundle("io.aldis.feature.filetransfer").getBundleId();
                    executeCommand((swap == Swap.UPDATE ? "bundle:update " : "bundle:refresh ") + id);
                    assertFalse("the feature's capability went while its bundle stopped",
                            Capability.fromMask(client.next(CapabilityChange.class).capabilities())
                                    .contains(Capability.FILE_TRANSFER));
                }
            }
            awaitCapability("file_transfer");
            assertTrue(Capability.fromMask(client.next(CapabilityChange.class).capabilities())
                    .contains(Capability.FILE_TRANSFER));
            client.send(new Ping(8));
            assertEquals(8, client.next(Pong.class).nonce());
            client.send(new ResumeRequest(3, accept.transferId(), TransferDirection.UPLOAD, sha256(file), List.of()));
            ResumeResponse resumed = client.next(ResumeResponse.class);
            assertEquals(ResumeStatus.RESUMABLE, resumed.status());
            assertEquals(List.of(new ChunkRange(0, 1)), resumed.chunksReceived());
            sendChunks(client, accept, file, 2, 6);
            client.send(new UploadComplete(accept.transferId(), sha256(file)));
            UploadVerify verify = client.next(UploadVerify.class);
            assertTrue(verify.verified());
            assertArrayEquals(sha256(file), verify.computedHash());
            core.assertUntouched();
        }
    }

    @Test
    public void quotaSetAppliesAtOnceAndQuotaShowCountsWhatIsStored() throws Exception {
        try (FrameClient client = login()) {
            byte[] file = text(1000);
            UploadAccept accept = request(client, "quota/first.txt", file);
            sendChunks(client, accept, file, 0, 1);
            client.send(new UploadComplete(accept.transferId(), sha256(file)));
            assertTrue(client.next(UploadVerify.class).verified());

            executeCommand("aldis:quota-set 1500");
            try {
                await("the quota applied", WAIT, () -> executeCommand("aldis:quota-show --no-format " + USER)
                        .contains("1500"));
                String shown = executeCommand("aldis:quota-show --no-format " + USER);
                assertTrue(shown, shown.replaceAll("\\s+", " ").matches("(?s).*" + USER + " \\d+ 0 1500.*"));
                byte[] big = text(2000);
                client.send(new UploadRequest(2, "quota/big.txt", big.length, sha256(big), 1, CHUNK,
                        Compression.NONE, ""));
                io.aldis.protocol.api.UploadReject refused = client.next(io.aldis.protocol.api.UploadReject.class);
                assertEquals(io.aldis.protocol.api.ErrorCode.QUOTA_EXCEEDED.code(), refused.code());
                assertTrue(refused.details(), refused.details().contains("\"requested\":2000"));
            } finally {
                executeCommand("aldis:quota-set 0");
            }
            String files = executeCommand("aldis:file-list --no-format --user " + USER + " 'quota/*'");
            assertTrue(files, files.contains("quota/first.txt"));
        }
    }

    private FrameClient login() throws Exception {
        FrameClient client = FrameClient.tcp(DEFAULT_PORT);
        client.login(USER, PASSWORD, CAPABILITIES);
        return client;
    }

    private static UploadAccept request(FrameClient client, String name, byte[] file) throws Exception {
        client.send(new UploadRequest(1, name, file.length, sha256(file), (int) ChunkLayout.count(file.length, CHUNK),
                CHUNK, Compression.ADAPTIVE, ""));
        return client.next(UploadAccept.class);
    }

    private static void sendChunks(FrameClient client, UploadAccept accept, byte[] file, int from, int to)
            throws Exception {
        ChunkLayout layout = new ChunkLayout(file.length, accept.chunkSize());
        for (int i = from; i < to; i++) {
            ChunkCodec.Encoded e = ChunkCodec.encode(file, (int) layout.offsetOf(i), layout.sizeOf(i),
                    Compression.ADAPTIVE);
            client.send(new ChunkData(e.compressed(), i == layout.chunkCount() - 1, accept.transferId(), i,
                    e.originalSize(), e.crc32(), e.data()));
            assertEquals(i, client.next(ChunkAck.class).chunkIndex());
        }
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static byte[] text(int size) {
        byte[] line = "a line of a log file that compresses well\n".getBytes();
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = line[i % line.length];
        }
        return bytes;
    }
}
