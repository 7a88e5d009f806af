package io.aldis.feature.filetransfer.internal.checkpoints;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.TransferDirection;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A checkpoint as bytes: a magic number and version, the fields, and a CRC-32 of everything before
 * it, so that a damaged checkpoint is recognised and never trusted.
 */
public final class CheckpointCodec {
    private static final int MAGIC = 0x414C4454; // "ALDT"
    /**
     * Version 2 adds, after the chunk ranges, the size and time of the file an upload replaces and
     * the id of the store that saved it.
     */
    private static final int VERSION = 2;
    /** Checkpoints of version 1 are still read, as replacing whatever is under their name. */
    private static final int VERSION_1 = 1;

    /** A checkpoint that failed its own check. */
    public static final class CorruptedException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptedException(String message) {
            super(message, null, false, false);
        }
    }

    private CheckpointCodec() {
    }

    public static byte[] encode(Checkpoint c) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + 8 * c.chunks().size());
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(c.direction().code());
            out.writeLong(c.id().getMostSignificantBits());
            out.writeLong(c.id().getLeastSignificantBits());
            writeText(out, c.user());
            writeText(out, c.name());
            out.writeLong(c.fileSize());
            out.writeInt(c.chunkSize());
            out.writeByte(c.compression().code());
            out.write(c.fileHash());
            out.writeLong(c.savedMillis());
            out.writeInt(c.chunks().size());
            for (ChunkRange r : c.chunks()) {
                out.writeInt(r.first());
                out.writeInt(r.last());
            }
            out.writeLong(c.replaces().size());
            out.writeLong(c.replaces().modified());
            out.writeLong(c.owner().getMostSignificantBits());
            out.writeLong(c.owner().getLeastSignificantBits());
            return SealedRecord.seal(bytes);
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /** Reads a checkpoint back, or says why it cannot be trusted. */
    public static Checkpoint decode(byte[] bytes) throws CorruptedException {
        if (bytes.length < 8) {
            throw new CorruptedException("the checkpoint is truncated");
        }
        if (!SealedRecord.intact(bytes)) {
            throw new CorruptedException("the checkpoint fails its checksum");
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
            if (in.readInt() != MAGIC) {
                throw new CorruptedException("not a checkpoint");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION && version != VERSION_1) {
                throw new CorruptedException("not a checkpoint of a known version");
            }
            TransferDirection direction = known(TransferDirection.of(in.readUnsignedByte()));
            UUID id = new UUID(in.readLong(), in.readLong());
            String user = readText(in);
            String name = readText(in);
            long fileSize = in.readLong();
            int chunkSize = in.readInt();
            Compression compression = known(Compression.of(in.readUnsignedByte()));
            byte[] hash = new byte[32];
            in.readFully(hash);
            long saved = in.readLong();
            int count = in.readInt();
            int trailer = version == VERSION ? 32 : 0;
            if (count < 0 || count > (in.available() - trailer) / 8) {
                throw new CorruptedException("the checkpoint's chunk ranges do not fit it");
            }
            List<ChunkRange> ranges = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ranges.add(new ChunkRange(in.readInt(), in.readInt()));
            }
            Checkpoint.Replaces replaces = version == VERSION
                    ? new Checkpoint.Replaces(in.readLong(), in.readLong()) : Checkpoint.Replaces.UNKNOWN;
            UUID owner = version == VERSION ? new UUID(in.readLong(), in.readLong()) : Checkpoint.NO_OWNER;
            if (in.available() != 0) {
                throw new CorruptedException("the checkpoint has bytes after its end");
            }
            return new Checkpoint(direction, id, user, name, fileSize, chunkSize, compression, hash, saved, ranges,
                    replaces, owner);
        } catch (IOException | RuntimeException e) {
            throw new CorruptedException("the checkpoint does not follow its layout");
        }
    }

    /** A direction or compression read by its code; an unknown code decodes to null. */
    private static <T> T known(T value) throws CorruptedException {
        if (value == null) {
            throw new CorruptedException("the checkpoint names an unknown direction or compression");
        }
        return value;
    }

    private static String readText(DataInputStream in) throws IOException, CorruptedException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new CorruptedException("the checkpoint's text does not fit it");
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        try {
            // Strictly: a lenient decoder would replace bad bytes and resume under another name.
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptedException("the checkpoint's text is not UTF-8");
        }
    }
}
