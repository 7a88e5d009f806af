package io.aldis.client.internal.files;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A small file that notes how far a transfer got, written so that it is either the old or the new
 * one after a crash (written beside, synced, renamed) and read so that a damaged one is noticed:
 * a magic, the body, and the CRC-32 of both. A checkpoint that fails its check is treated as
 * absent, and the transfer starts over.
 */
final class CheckpointFile {
    private static final byte[] MAGIC = {'A', 'L', 'D', 'C', 'K', 'P', 0, 1};
    /** Far above any checkpoint (its ranges are few), and small enough to read at once. */
    private static final int MAX_SIZE = 1 << 20;

    private CheckpointFile() {
    }

    /** What a body is written with. */
    @FunctionalInterface
    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** What a body is read with; throws when the body does not make sense. */
    @FunctionalInterface
    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** Replaces the checkpoint at {@code file} with {@code body}. */
    static void write(Path file, Writer body) throws IOException {
        byte[] bytes = bytesOf(body);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The whole file for {@code body}: the magic, the body and the CRC-32 of both, as {@link #read} checks them. */
    static byte[] bytesOf(Writer body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        body.write(out);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        return bytes.toByteArray();
    }

    /** The checkpoint at {@code file}; null when there is none, or it is damaged or not one. */
    static <T> T read(Path file, Reader<T> body) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_SIZE) {
                return null;
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException unreadable) {
            return null;
        }
        if (bytes.length < MAGIC.length + 4 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        int stored = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if ((int) crc.getValue() != stored) {
            return null;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, MAGIC.length,
                bytes.length - 4 - MAGIC.length))) {
            T value = body.read(in);
            return in.available() == 0 ? value : null;
        } catch (IOException | RuntimeException nonsense) {
            return null;
        }
    }

    /** Deletes the checkpoint, if there is one; a failure only leaves a stale file behind. */
    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A stale checkpoint is harmless: it is checked against the transfer before it is used.
        }
    }
}
