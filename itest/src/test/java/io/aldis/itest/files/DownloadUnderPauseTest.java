package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that pauses the node (docs/protocol.md 4.7) in the middle of a download whose window of
 * chunks is larger than what the node holds back for a paused client: the download waits for the
 * client's RESUME instead of ending the session as a slow consumer.
 */
class DownloadUnderPauseTest {
    private static final int CHUNK = 64 * 1024;
    /** 32 chunks of 64 KiB: twice what the node holds back for a paused client (1 MiB frames plus 64 KiB). */
    private static final int WINDOW = 32;

    NodeFixture node;
    FrameClient alice;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user")
                .files(FilesSettings.defaults("").withChunkSizes(CHUNK, CHUNK).withWindow(WINDOW))
                .loginCapabilities(FileTransferTest.ALL).start();
        alice = node.login("alice");
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void aDownloadWaitsForTheClientsResumeAndThenCompletes() throws Exception {
        byte[] file = FileClient.random(4 * WINDOW * CHUNK, 11);
        assertThat(FileClient.upload(alice, "big.bin", file, CHUNK, Compression.NONE).verified()).isTrue();

        alice.send(new DownloadRequest(3, "big.bin", CHUNK, Compression.NONE));
        DownloadAccept accept = alice.await(DownloadAccept.class);
        assertThat(accept.window()).isEqualTo(WINDOW);
        alice.send(new Pause());

        // Paused, the client still takes and acknowledges what was already on its way; the node
        // must not answer those acknowledgements with more chunks, which it would have to hold.
        Map<Integer, byte[]> chunks = new HashMap<>();
        ChunkLayout layout = new ChunkLayout(accept.fileSize(), accept.chunkSize());
        alice.waitMillis(1_000);
        try {
            while (true) {
                Frame f = alice.read();
                if (f instanceof ErrorFrame error) {
                    throw new AssertionError("the node ended the paused session: " + error);
                }
                if (f instanceof ChunkData d) {
                    chunks.put(d.chunkIndex(), ChunkCodec.decode(d.compressed(), d.data(), d.originalSize(),
                            layout.sizeOf(d.chunkIndex()), d.crc32()));
                    alice.send(new ChunkAck(accept.transferId(), d.chunkIndex()));
                }
            }
        } catch (SocketTimeoutException quietAtLast) {
            // nothing more comes while paused
        }
        assertThat(chunks.size()).isLessThanOrEqualTo(WINDOW);

        alice.waitMillis(FrameClient.WAIT_MILLIS);
        alice.send(new Resume());
        FileClient.receiveAll(alice, accept, chunks);
        byte[] got = FileClient.assemble(accept, chunks);
        assertThat(Arrays.equals(got, file)).as("the downloaded bytes equal the file").isTrue();
        alice.send(new DownloadVerify(true, accept.transferId()));
        alice.send(new Ping(42));
        assertThat(alice.await(Pong.class).nonce()).as("the session lives on").isEqualTo(42);
    }
}
