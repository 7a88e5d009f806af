package io.aldis.client.internal;

import static io.aldis.client.internal.PlayedFiles.decode;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.CompressionTrials;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload with adaptive compression of a file large enough for {@link CompressionTrials}: the
 * client tries both ways on it and keeps the one the node's acknowledgements show faster. The
 * played node's acknowledgements take as long as the test's link says each chunk costs.
 */
class UploadCompressionTrialsTest {
    private static final UUID TRANSFER = UUID.fromString("0c6d2f4e-8a1b-4c3d-9e5f-7a6b5c4d3e2f");
    private static final int CHUNK = 1 << 20;
    private static final int PERIOD = (int) (CompressionTrials.PERIOD_BYTES / CHUNK);
    private static final int CHUNKS = CompressionTrials.TRIED_FROM_PERIODS * PERIOD;
    private static final int WINDOW = 16;

    @TempDir
    Path dir;
    private long now;
    private final PlayedFiles files = new PlayedFiles(() -> now);

    @AfterEach
    void nothingLeftOver() throws Exception {
        files.close();
    }

    @Test
    void aLinkThatCountsBytesKeepsCompressing() throws Exception {
        // 10 ns a byte on the wire: a chunk's block moves faster than the chunk.
        boolean[] compressed = upload(data -> 10L * data.data().length);

        assertThat(period(compressed, 0)).as("period 0 tried compressed").containsOnly(true);
        assertThat(period(compressed, 1)).as("period 1 tried as it is").containsOnly(false);
        assertThat(period(compressed, 2)).containsOnly(true);
        assertThat(period(compressed, 3)).containsOnly(true);
    }

    @Test
    void aLinkFasterThanCompressionSendsAsItIs() throws Exception {
        // Each compressed chunk costs 3 ms, each other 1 ms: the cores, not the link, are the limit.
        boolean[] compressed = upload(data -> data.compressed() ? 3_000_000L : 1_000_000L);

        assertThat(period(compressed, 0)).containsOnly(true);
        assertThat(period(compressed, 1)).containsOnly(false);
        assertThat(period(compressed, 2)).containsOnly(false);
        assertThat(period(compressed, 3)).containsOnly(false);
    }

    @Test
    void theTimeToReconnectDoesNotCount() throws Exception {
        // Sending as it is is faster, and the connection breaks in the middle of its trial: taking
        // the 900 ms to reconnect for the link's time would make compression look faster.
        boolean[] compressed = upload(data -> data.compressed() ? 3_000_000L : 1_000_000L, PERIOD + PERIOD / 2);

        assertThat(period(compressed, 1)).containsOnly(false);
        assertThat(period(compressed, 2)).as("after the trials").containsOnly(false);
    }

    private boolean[] upload(ToLongFunction<ChunkData> cost) throws Exception {
        return upload(cost, -1);
    }

    /**
     * Uploads a text log of {@link #CHUNKS} chunks to the played node, which acknowledges each chunk
     * after {@code cost} nanoseconds and checks the file arrives whole; which chunks came compressed
     * (the last time each was sent). When chunk {@code cutAt} is next to be acknowledged, the
     * connection breaks instead, the client reconnects 900 ms later and resumes the upload.
     */
    private boolean[] upload(ToLongFunction<ChunkData> cost, int cutAt) throws Exception {
        Path log = textLog(dir.resolve("service.log"), (long) CHUNKS * CHUNK);
        ChunkLayout layout = new ChunkLayout(Files.size(log), CHUNK);
        files.open();
        Transfer upload = files.client().upload(log, "logs/service.log", TransferOptions.defaults()
                .withChunkSize(CHUNK).withCheckpointDirectory(dir.resolve("checkpoints")));
        UploadRequest request = files.next(UploadRequest.class);
        assertThat(request.compression()).isEqualTo(Compression.ADAPTIVE);
        files.send(new UploadAccept(request.requestId(), TRANSFER, CHUNK, WINDOW));

        boolean[] compressed = new boolean[CHUNKS];
        MessageDigest arrived = MessageDigest.getInstance("SHA-256");
        ArrayDeque<ChunkData> unacked = new ArrayDeque<>();
        int hashed = 0;
        int acked = 0;
        while (acked < CHUNKS) {
            Frame frame = files.poll();
            if (frame == null) {
                assertThat(unacked).as("the client waits only for acknowledgements").isNotEmpty();
                ChunkData oldest = unacked.poll();
                if (oldest.chunkIndex() == cutAt) {
                    cutAt = -1;
                    unacked.clear(); // lost with the connection
                    files.cut();
                    now += 900_000_000L;
                    files.reconnect(PlayedFiles.FILES);
                    ResumeRequest resume = files.next(ResumeRequest.class);
                    files.send(new ResumeResponse(resume.requestId(), TRANSFER, ResumeStatus.RESUMABLE, CHUNKS, CHUNK,
                            WINDOW, List.of(new ChunkRange(0, acked - 1)), List.of(new ChunkRange(acked, CHUNKS - 1))));
                    continue;
                }
                now += cost.applyAsLong(oldest);
                files.send(new ChunkAck(TRANSFER, oldest.chunkIndex()));
                acked++;
                continue;
            }
            ChunkData data = (ChunkData) frame;
            assertThat(data.chunkIndex()).as("the next chunk, or one sent again after a reconnect")
                    .isBetween(acked, hashed);
            compressed[data.chunkIndex()] = data.compressed();
            byte[] chunk = decode(data, layout);
            if (data.chunkIndex() == hashed) {
                arrived.update(chunk);
                hashed++;
            }
            unacked.add(data);
        }
        byte[] hash = arrived.digest();
        assertThat(files.next(UploadComplete.class).fileHash()).as("the file arrived whole").isEqualTo(hash);
        files.send(new UploadVerify(true, TRANSFER, hash, "logs/service.log"));
        assertThat(upload.result().get(30, TimeUnit.SECONDS).size()).isEqualTo(layout.fileSize());
        return compressed;
    }

    private static boolean[] period(boolean[] compressed, int period) {
        boolean[] of = new boolean[PERIOD];
        System.arraycopy(compressed, period * PERIOD, of, 0, PERIOD);
        return of;
    }

    /** {@code size} bytes of a service's log: lines that LZ4 shrinks severalfold. */
    private static Path textLog(Path file, long size) throws Exception {
        long written = 0;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (long line = 0; written < size; line++) {
                String text = "2026-12-07T08:" + (line / 60_000 % 60) + ":" + (line / 1000 % 60) + " INFO [worker-"
                        + (line % 16) + "] request id=" + Long.toHexString(line * 0x9E3779B97F4A7C15L)
                        + " path=/api/orders status=200\n";
                int n = (int) Math.min(text.length(), size - written);
                out.write(text, 0, n);
                written += n;
            }
        }
        return file;
    }
}
