package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.CompressionTrials;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A download with adaptive compression of a file large enough for {@link CompressionTrials}, from a
 * real node over TCP: the node tries its first period compressed and its second as it is, keeps
 * the way the client's acknowledgements show faster, and the file arrives whole either way.
 */
class DownloadCompressionTrialsTest {
    static final int CHUNK = 1 << 20;
    /** Enough periods for the trials, though the node may make its chunks a little smaller than asked. */
    static final int SIZE = (int) (CompressionTrials.TRIED_FROM_PERIODS * CompressionTrials.PERIOD_BYTES) + 8 * CHUNK;

    NodeFixture node;
    FrameClient alice;
    /** The chunk size the node accepted the download with. */
    int chunkSize;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user")
                .files(FilesSettings.defaults("").withChunkSizes(CHUNK, CHUNK).withWindow(16))
                .loginCapabilities(Capability.maskOf(EnumSet.allOf(Capability.class))).start();
        alice = node.login("alice");
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void theNodeTriesBothWaysOnALargeCompressibleFile() throws Exception {
        boolean[] compressed = download(data -> 0);

        int period = periodChunks();
        for (int i = 0; i < period; i++) {
            assertThat(compressed[i]).as("chunk %d, in the period tried compressed", i).isTrue();
            assertThat(compressed[period + i]).as("chunk %d, in the period tried as it is", period + i).isFalse();
        }
    }

    @Test
    void theNodeKeepsTheWayTheAcknowledgementsShowFaster() throws Exception {
        // A receiver that takes 20 ms over each compressed chunk and none over the others.
        boolean[] compressed = download(data -> data.compressed() ? 20 : 0);

        int period = periodChunks();
        for (int i = 2 * period; i < compressed.length; i++) {
            assertThat(compressed[i]).as("chunk %d, after the trials", i).isFalse();
        }
    }

    private int periodChunks() {
        return (int) (CompressionTrials.PERIOD_BYTES / chunkSize);
    }

    /**
     * Uploads a text log of {@link #SIZE} bytes, downloads it with adaptive compression waiting
     * {@code millisBeforeAck} before acknowledging each chunk, and checks it arrives whole; which
     * chunks came compressed.
     */
    private boolean[] download(ToLongFunction<ChunkData> millisBeforeAck) throws Exception {
        byte[] log = FileClient.text(SIZE);
        assertThat(FileClient.upload(alice, "service.log", log, CHUNK, Compression.NONE).verified()).isTrue();

        alice.send(new DownloadRequest(1, "service.log", CHUNK, Compression.ADAPTIVE));
        DownloadAccept accept = alice.await(DownloadAccept.class);
        ChunkLayout layout = new ChunkLayout(accept.fileSize(), accept.chunkSize());
        chunkSize = layout.chunkSize();
        assertThat(layout.fileSize() / chunkSize).as("whole chunks")
                .isGreaterThanOrEqualTo(CompressionTrials.TRIED_FROM_PERIODS * (long) periodChunks());
        boolean[] compressed = new boolean[layout.chunkCount()];
        MessageDigest arrived = MessageDigest.getInstance("SHA-256");
        int next = 0;
        for (;;) {
            Frame f = alice.next(x -> x instanceof ChunkData || x instanceof DownloadComplete);
            if (f instanceof DownloadComplete) {
                break;
            }
            ChunkData data = (ChunkData) f;
            assertThat(data.chunkIndex()).as("chunks in order, each once").isEqualTo(next);
            compressed[next++] = data.compressed();
            arrived.update(ChunkCodec.decode(data.compressed(), data.data(), data.originalSize(),
                    layout.sizeOf(data.chunkIndex()), data.crc32()));
            Thread.sleep(millisBeforeAck.applyAsLong(data));
            alice.send(new ChunkAck(accept.transferId(), data.chunkIndex()));
        }
        byte[] hash = arrived.digest();
        assertThat(hash).as("the file arrived whole").isEqualTo(FileClient.sha256(log)).isEqualTo(accept.fileHash());
        alice.send(new DownloadVerify(true, accept.transferId()));
        assertThat(next).isEqualTo(layout.chunkCount());
        return compressed;
    }
}
