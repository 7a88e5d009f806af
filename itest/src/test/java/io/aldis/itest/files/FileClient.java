package io.aldis.itest.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.itest.support.FrameClient;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.aldis.protocol.api.files.ChunkCodec;
import io.aldis.protocol.api.files.ChunkLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/** File-transfer exchanges over a {@link FrameClient}, written from docs/protocol.md 6.5 alone. */
final class FileClient {
    static final byte[] NO_HASH = new byte[32];

    private FileClient() {
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] text(int size) {
        byte[] line = "2026-12-05T10:00:00Z INFO io.aldis.files upload of report.pdf accepted\n".getBytes();
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = line[i % line.length];
        }
        return bytes;
    }

    static Frame request(FrameClient c, long requestId, String name, byte[] file, int chunkSize, Compression compression)
            throws IOException {
        c.send(new UploadRequest(requestId, name, file.length, sha256(file),
                (int) ChunkLayout.count(file.length, chunkSize), chunkSize, compression, ""));
        return c.next(f -> f instanceof UploadAccept a && a.requestId() == requestId
                || f instanceof io.aldis.protocol.api.UploadReject r && r.requestId() == requestId);
    }

    static UploadAccept accepted(FrameClient c, long requestId, String name, byte[] file, int chunkSize,
            Compression compression) throws IOException {
        Frame answer = request(c, requestId, name, file, chunkSize, compression);
        assertThat(answer).isInstanceOf(UploadAccept.class);
        return (UploadAccept) answer;
    }

    static ChunkData chunk(UUID id, byte[] file, ChunkLayout layout, int index, Compression compression) {
        ChunkCodec.Encoded e = ChunkCodec.encode(file, (int) layout.offsetOf(index), layout.sizeOf(index), compression);
        return new ChunkData(e.compressed(), index == layout.chunkCount() - 1, id, index, e.originalSize(), e.crc32(),
                e.data());
    }

    /** Sends chunks {@code from} to {@code to} (exclusive) within the window, each acknowledged. */
    static void sendChunks(FrameClient c, UUID id, byte[] file, ChunkLayout layout, int from, int to, int window,
            Compression compression) throws IOException {
        int sent = from;
        int acked = from;
        while (acked < to) {
            while (sent < to && sent - acked < window) {
                c.send(chunk(id, file, layout, sent, compression));
                sent++;
            }
            ChunkAck ack = c.await(ChunkAck.class);
            assertThat(ack.transferId()).isEqualTo(id);
            acked++;
        }
    }

    /** Sends the chunks a resumed upload still misses, then UPLOAD_COMPLETE; checks the node verified the file. */
    static void sendMissingAndComplete(FrameClient c, UUID id, byte[] file, ChunkLayout layout,
            io.aldis.protocol.api.ResumeResponse resumed) throws IOException {
        for (io.aldis.protocol.api.ChunkRange r : resumed.chunksMissing()) {
            sendChunks(c, id, file, layout, r.first(), r.last() + 1, resumed.window(), Compression.NONE);
        }
        c.send(new UploadComplete(id, sha256(file)));
        assertThat(c.await(UploadVerify.class).verified()).isTrue();
    }

    /** A whole upload; the node's UPLOAD_VERIFY. */
    static UploadVerify upload(FrameClient c, String name, byte[] file, int chunkSize, Compression compression)
            throws IOException {
        UploadAccept accept = accepted(c, 1, name, file, chunkSize, compression);
        ChunkLayout layout = new ChunkLayout(file.length, accept.chunkSize());
        sendChunks(c, accept.transferId(), file, layout, 0, layout.chunkCount(), accept.window(), compression);
        c.send(new UploadComplete(accept.transferId(), sha256(file)));
        return c.await(UploadVerify.class);
    }

    /** A download as it arrived. */
    record Downloaded(DownloadAccept accept, byte[] bytes, int chunksReceived) {
    }

    /** A whole download, acknowledging each chunk, then DOWNLOAD_VERIFY. */
    static Downloaded download(FrameClient c, String name, int chunkSize, Compression compression) throws IOException {
        c.send(new DownloadRequest(7, name, chunkSize, compression));
        DownloadAccept accept = c.await(DownloadAccept.class);
        Map<Integer, byte[]> chunks = new HashMap<>();
        int received = receiveAll(c, accept, chunks);
        byte[] bytes = assemble(accept, chunks);
        boolean verified = Arrays.equals(sha256(bytes), accept.fileHash());
        c.send(new DownloadVerify(verified, accept.transferId()));
        return new Downloaded(accept, bytes, received);
    }

    /** Takes chunks, acknowledging each, until DOWNLOAD_COMPLETE; returns how many came. */
    static int receiveAll(FrameClient c, DownloadAccept accept, Map<Integer, byte[]> chunks) throws IOException {
        ChunkLayout layout = new ChunkLayout(accept.fileSize(), accept.chunkSize());
        int received = 0;
        while (true) {
            Frame f = c.next(x -> x instanceof ChunkData || x instanceof DownloadComplete);
            if (f instanceof DownloadComplete) {
                return received;
            }
            ChunkData d = (ChunkData) f;
            chunks.put(d.chunkIndex(), ChunkCodec.decode(d.compressed(), d.data(), d.originalSize(),
                    layout.sizeOf(d.chunkIndex()), d.crc32()));
            received++;
            c.send(new ChunkAck(accept.transferId(), d.chunkIndex()));
        }
    }

    static byte[] assemble(DownloadAccept accept, Map<Integer, byte[]> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < accept.chunkCount(); i++) {
            out.writeBytes(chunks.get(i));
        }
        return out.toByteArray();
    }
}
