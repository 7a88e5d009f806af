package io.aldis.client.internal.files;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * What an upload notes in the checkpoint directory so that uploading the same file to the same
 * name again, after the application restarted, goes on where it stopped: the node's transfer, the
 * file as it was when the upload began (size and modification time, to tell that it has not
 * changed, since the node only learns its hash at the end), and the chunks seen acknowledged.
 */
record UploadCheckpoint(UUID transferId, String local, String remoteName, long fileSize, long modifiedMillis,
        int chunkSize, Compression compression, List<ChunkRange> acknowledged) {
    private static final int VERSION = 1;

    /** The checkpoint of uploading {@code local} to {@code remoteName}, in {@code directory}. */
    static Path fileOf(Path directory, Path local, String remoteName) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(local.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(remoteName.getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(sha.digest(), 0, 16) + ".upload");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    void writeTo(Path file) throws IOException {
        CheckpointFile.write(file, this::write);
    }

    /** The checkpoint in {@code file}; null when there is none or it is damaged. */
    static UploadCheckpoint readFrom(Path file) {
        return CheckpointFile.read(file, UploadCheckpoint::read);
    }

    private void write(DataOutputStream out) throws IOException {
        out.writeInt(VERSION);
        out.writeLong(transferId.getMostSignificantBits());
        out.writeLong(transferId.getLeastSignificantBits());
        out.writeUTF(local);
        out.writeUTF(remoteName);
        out.writeLong(fileSize);
        out.writeLong(modifiedMillis);
        out.writeInt(chunkSize);
        out.writeByte(compression.code());
        Ranges.write(out, acknowledged);
    }

    private static UploadCheckpoint read(DataInputStream in) throws IOException {
        if (in.readInt() != VERSION) {
            return null;
        }
        UUID id = new UUID(in.readLong(), in.readLong());
        String local = in.readUTF();
        String name = in.readUTF();
        long size = in.readLong();
        long modified = in.readLong();
        int chunkSize = in.readInt();
        Compression compression = Compression.of(in.readUnsignedByte());
        List<ChunkRange> acknowledged = Ranges.read(in);
        if (size < 0 || chunkSize < 1 || compression == null) {
            return null;
        }
        return new UploadCheckpoint(id, local, name, size, modified, chunkSize, compression, acknowledged);
    }
}
