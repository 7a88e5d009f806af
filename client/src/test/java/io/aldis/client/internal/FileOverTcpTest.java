package io.aldis.client.internal;

import static io.aldis.client.internal.PlayedFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers over a real socket, with the client's own threads (the transfers' pool, the callback
 * pool, the event loop), against the loopback {@link FakeNode} whose file side the test plays
 * frame by frame.
 */
class FileOverTcpTest {
    private static final int CHUNK = 64 * 1024; // the fake node's maxChunkSize
    private static final int WINDOW = 4;

    @TempDir
    Path dir;
    private final FakeNode node = new FakeNode();
    private AldisClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close().get(10, TimeUnit.SECONDS);
        }
        node.close();
    }

    private void connect() throws Exception {
        node.capabilities = Capability.maskOf(EnumSet.of(Capability.FILE_TRANSFER, Capability.LZ4,
                Capability.RESUME_TOKEN));
        node.start();
        client = AldisClient.builder().address("127.0.0.1", node.port()).credentials("alice", "pencil".toCharArray())
                .mechanism("PLAIN").reconnect(ReconnectPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(10), 5))
                .build();
        client.connect().get(10, TimeUnit.SECONDS);
    }

    /** Half random, half text: some chunks compress, some do not. */
    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        Random random = new Random(size);
        for (int i = 0; i < size; i++) {
            bytes[i] = (i / CHUNK) % 2 == 0 ? (byte) random.nextInt() : (byte) ('a' + i % 7);
        }
        return bytes;
    }

    /** The next frame of {@code type} the client sent, skipping those of the session (heartbeats and the like). */
    private <T extends Frame> T next(Class<T> type) throws InterruptedException {
        for (;;) {
            Frame frame = node.received.poll(10, TimeUnit.SECONDS);
            assertThat(frame).as("a " + type.getSimpleName() + " from the client").isNotNull();
            if (type.isInstance(frame)) {
                return type.cast(frame);
            }
            assertThat(frame.type().name()).as("only frames of the session besides")
                    .isIn("CONNECT", "AUTH_START", "PING", "PONG");
        }
    }

    /** The next frame of {@code type}, past the chunks that were on their way when the connection broke. */
    private <T extends Frame> T afterLostChunks(Class<T> type) throws InterruptedException {
        for (;;) {
            Frame frame = node.received.poll(10, TimeUnit.SECONDS);
            assertThat(frame).as("a " + type.getSimpleName() + " from the client").isNotNull();
            if (type.isInstance(frame)) {
                return type.cast(frame);
            }
            assertThat(frame.type().name()).isIn("CHUNK_DATA", "CONNECT", "AUTH_START", "PING", "PONG");
        }
    }

    /** Receives chunks within the window until {@code wanted} are all stored, acknowledging each. */
    private void receive(UUID transfer, ChunkLayout layout, ChunkSet wanted, byte[] into) throws Exception {
        while (!wanted.isComplete()) {
            ChunkData data = next(ChunkData.class);
            byte[] chunk = ChunkCodec.decode(data.compressed(), data.data(), data.originalSize(),
                    layout.sizeOf(data.chunkIndex()), data.crc32());
            System.arraycopy(chunk, 0, into, (int) layout.offsetOf(data.chunkIndex()), chunk.length);
            wanted.add(data.chunkIndex());
            node.broadcast(new ChunkAck(transfer, data.chunkIndex()));
        }
    }

    @Test
    void uploadsThroughACutConnectionAndDownloadsItBack() throws Exception {
        byte[] content = content(40 * CHUNK + 321);
        Path source = dir.resolve("data.bin");
        Files.write(source, content);
        connect();

        Transfer upload = client.upload(source, "data.bin",
                TransferOptions.defaults().withCheckpointDirectory(dir.resolve("checkpoints")));
        UploadRequest request = next(UploadRequest.class);
        assertThat(request.compression()).isEqualTo(Compression.ADAPTIVE);
        UUID id = UUID.randomUUID();
        node.broadcast(new UploadAccept(request.requestId(), id, CHUNK, WINDOW));
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        ChunkSet stored = new ChunkSet(layout.chunkCount());
        byte[] arrived = new byte[content.length];
        for (int i = 0; i < 10; i++) {
            ChunkData data = next(ChunkData.class);
            System.arraycopy(ChunkCodec.decode(data.compressed(), data.data(), data.originalSize(),
                    layout.sizeOf(data.chunkIndex()), data.crc32()), 0, arrived, (int) layout.offsetOf(data.chunkIndex()),
                    layout.sizeOf(data.chunkIndex()));
            stored.add(data.chunkIndex());
            node.broadcast(new ChunkAck(data.transferId(), data.chunkIndex()));
        }

        node.dropAll(); // the network fails; the client reconnects with its token
        ResumeRequest resume = afterLostChunks(ResumeRequest.class);
        assertThat(resume.transferId()).isEqualTo(id);
        assertThat(resume.chunksHeld()).isEqualTo(stored.heldRanges());
        node.broadcast(new ResumeResponse(resume.requestId(), id, ResumeStatus.RESUMABLE, layout.chunkCount(), CHUNK,
                WINDOW, stored.heldRanges(), stored.missingRanges()));
        receive(id, layout, stored, arrived);
        UploadComplete complete = next(UploadComplete.class);
        assertThat(complete.fileHash()).isEqualTo(sha256(content));
        assertThat(arrived).isEqualTo(content);
        node.broadcast(new UploadVerify(true, id, sha256(content), "data.bin"));
        TransferResult uploaded = upload.result().get(10, TimeUnit.SECONDS);
        assertThat(uploaded.resumed()).isTrue();

        Path copy = dir.resolve("copy.bin");
        Transfer download = client.download("data.bin", copy);
        DownloadRequest asked = next(DownloadRequest.class);
        UUID down = UUID.randomUUID();
        node.broadcast(new DownloadAccept(asked.requestId(), down, content.length, sha256(content),
                layout.chunkCount(), CHUNK, Compression.ADAPTIVE, WINDOW));
        List<Integer> unacked = new ArrayList<>();
        for (int i = 0; i < layout.chunkCount(); i++) {
            if (unacked.size() == WINDOW) {
                assertThat(next(ChunkAck.class).chunkIndex()).isEqualTo(unacked.remove(0));
            }
            ChunkCodec.Encoded encoded = ChunkCodec.encode(content, (int) layout.offsetOf(i), layout.sizeOf(i),
                    Compression.ADAPTIVE);
            node.broadcast(new ChunkData(encoded.compressed(), i == layout.chunkCount() - 1, down, i,
                    encoded.originalSize(), encoded.crc32(), encoded.data()));
            unacked.add(i);
        }
        while (!unacked.isEmpty()) {
            assertThat(next(ChunkAck.class).chunkIndex()).isEqualTo(unacked.remove(0));
        }
        node.broadcast(new DownloadComplete(down));
        assertThat(next(DownloadVerify.class).verified()).isTrue();
        download.result().get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(copy)).isEqualTo(content);
    }

    @Test
    void chunksReadTogetherWithTheDownloadsAcceptReachTheDownload() throws Exception {
        byte[] content = content(WINDOW * CHUNK);
        ChunkLayout layout = new ChunkLayout(content.length, CHUNK);
        connect();
        // The answer reaches its transfer through the callback executor once more than the chunks read
        // with it; repeated, as whether they share a read is up to the network.
        for (int round = 0; round < 20; round++) {
            Path copy = dir.resolve("copy-" + round + ".bin");
            Transfer download = client.download("data.bin", copy);
            DownloadRequest asked = next(DownloadRequest.class);
            UUID id = UUID.randomUUID();
            Frame[] answerAndChunks = new Frame[layout.chunkCount() + 1];
            answerAndChunks[0] = new DownloadAccept(asked.requestId(), id, content.length, sha256(content),
                    layout.chunkCount(), CHUNK, Compression.ADAPTIVE, WINDOW);
            for (int i = 0; i < layout.chunkCount(); i++) {
                ChunkCodec.Encoded encoded = ChunkCodec.encode(content, (int) layout.offsetOf(i), layout.sizeOf(i),
                        Compression.ADAPTIVE);
                answerAndChunks[i + 1] = new ChunkData(encoded.compressed(), i == layout.chunkCount() - 1, id, i,
                        encoded.originalSize(), encoded.crc32(), encoded.data());
            }
            node.broadcastTogether(answerAndChunks);
            List<Integer> acked = new ArrayList<>();
            for (int i = 0; i < layout.chunkCount(); i++) {
                acked.add(next(ChunkAck.class).chunkIndex());
            }
            assertThat(acked).as("round " + round).containsExactlyInAnyOrder(0, 1, 2, 3);
            node.broadcast(new DownloadComplete(id));
            assertThat(next(DownloadVerify.class).verified()).isTrue();
            download.result().get(10, TimeUnit.SECONDS);
            assertThat(Files.readAllBytes(copy)).isEqualTo(content);
        }
    }
}
