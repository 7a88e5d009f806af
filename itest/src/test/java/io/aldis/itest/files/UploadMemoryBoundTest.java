package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.filetransfer.internal.FilesSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.GatedFileStore;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an upload holds on the node is bounded by its window, counted in chunks the node keeps,
 * not in distinct chunk indices: a sender that repeats a chunk before it is answered must not make
 * the node queue copies without end while its disk is slow.
 */
class UploadMemoryBoundTest {
    static final int CHUNK = 4096;
    static final int WINDOW = 4;

    NodeFixture node;
    final CountDownLatch writing = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user")
                .files(FilesSettings.defaults("").withChunkSizes(CHUNK, 64 * 1024).withWindow(WINDOW))
                .fileStore(store -> new GatedFileStore(store) {
                    @Override
                    protected void beforeWrite(String key, int bytes) throws IOException {
                        // The first write waits, as on a stalled disk, while the test sends more.
                        writing.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException("interrupted", e);
                        }
                    }
                })
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        node.close();
    }

    @Test
    void copiesOfAChunkBeyondTheWindowAreNotHeldButAbortTheUpload() throws Exception {
        FrameClient alice = node.login("alice");
        byte[] file = FileClient.random(2 * CHUNK, 4);
        ChunkLayout layout = new ChunkLayout(file.length, CHUNK);
        UploadAccept accept = FileClient.accepted(alice, 1, "held.bin", file, CHUNK, Compression.NONE);
        assertThat(accept.window()).isEqualTo(WINDOW);
        ChunkData first = FileClient.chunk(accept.transferId(), file, layout, 0, Compression.NONE);

        alice.send(first);
        writing.await();
        // The node now holds chunk 0 in its write; WINDOW - 1 copies fill the window, one more goes beyond.
        for (int i = 0; i < WINDOW; i++) {
            alice.send(first);
        }
        // Frames of a session are handled in order: once a chunk of no transfer is answered, the
        // node has counted every copy, and the disk may go on.
        UUID nobody = UUID.randomUUID();
        alice.send(new ChunkData(false, true, nobody, 0, 1, 0, new byte[1]));
        TransferAbort notFound = alice.next(f -> f instanceof TransferAbort a && a.transferId().equals(nobody));
        assertThat(notFound.code()).isEqualTo(ErrorCode.TRANSFER_NOT_FOUND.code());
        // Sent so that a node that kept every copy finishes the upload instead of leaving the test waiting.
        alice.send(FileClient.chunk(accept.transferId(), file, layout, 1, Compression.NONE));
        alice.send(new UploadComplete(accept.transferId(), FileClient.sha256(file)));
        release.countDown();

        int acks = 0;
        Frame end;
        while (true) {
            end = alice.read();
            if (end instanceof ChunkAck) {
                acks++;
            } else if (end instanceof TransferAbort a && a.transferId().equals(accept.transferId())
                    || end instanceof UploadVerify) {
                break;
            }
        }
        assertThat(end).isInstanceOfSatisfying(TransferAbort.class, abort -> {
            assertThat(abort.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
            assertThat(abort.resumable()).isTrue();
        });
        assertThat(acks).as("each copy held is answered; the one beyond the window is not").isEqualTo(WINDOW);
    }
}
