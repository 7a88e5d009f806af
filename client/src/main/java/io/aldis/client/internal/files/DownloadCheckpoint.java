package io.aldis.client.internal.files;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * What a download notes beside its partial file so that it can go on after the application
 * restarts (docs/protocol.md 6.5.7): the node's transfer, the file as the node announced it, and
 * the chunks already stored in the partial file.
 */
record DownloadCheckpoint(UUID transferId, String remoteName, long fileSize, byte[] fileHash, int chunkSize,
        Compression compression, List<ChunkRange> stored) {
    private static final int VERSION = 1;

    /** The partial file beside the target: it is never under the target's name. */
    static Path partialOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".aldis-part");
    }

    /** The checkpoint beside the partial file. */
    static Path fileOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".aldis-checkpoint");
    }

    void writeTo(Path file) throws IOException {
        CheckpointFile.write(file, out -> write(out));
    }

    /** The checkpoint of the download into {@code target}; null when there is none or it is damaged. */
    static DownloadCheckpoint readFor(Path target) {
        return CheckpointFile.read(fileOf(target), DownloadCheckpoint::read);
    }

    private void write(DataOutputStream out) throws IOException {
        out.writeInt(VERSION);
        out.writeLong(transferId.getMostSignificantBits());
        out.writeLong(transferId.getLeastSignificantBits());
        out.writeUTF(remoteName);
        out.writeLong(fileSize);
        out.write(fileHash);
        out.writeInt(chunkSize);
        out.writeByte(compression.code());
        Ranges.write(out, stored);
    }

    private static DownloadCheckpoint read(DataInputStream in) throws IOException {
        if (in.readInt() != VERSION) {
            return null;
        }
        UUID id = new UUID(in.readLong(), in.readLong());
        String name = in.readUTF();
        long size = in.readLong();
        byte[] hash = in.readNBytes(32);
        int chunkSize = in.readInt();
        Compression compression = Compression.of(in.readUnsignedByte());
        List<ChunkRange> stored = Ranges.read(in);
        if (hash.length != 32 || size < 0 || chunkSize < 1 || compression == null) {
            return null;
        }
        return new DownloadCheckpoint(id, name, size, hash, chunkSize, compression, stored);
    }
}
