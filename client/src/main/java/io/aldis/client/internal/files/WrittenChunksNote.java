package io.aldis.client.internal.files;

import io.aldis.protocol.api.ChunkRange;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a download notes beside its partial file after each chunk it writes, before it acknowledges
 * the chunk: every chunk written so far, synced or not, and the boot of the machine it was written
 * in. The kernel keeps what a process wrote when the process dies, so after the application alone
 * crashed, the note names exactly what the partial file holds, and the node sends again only what
 * was on its way. After the machine restarted, chunks not yet synced may be gone: a note from
 * another boot is ignored, and only the checkpoint (which names synced chunks alone) counts.
 *
 * <p>The note is rewritten in place and never synced: a write per chunk into the page cache, no
 * disk wait. A note torn by a crash in the middle of its write fails its check and is ignored like
 * one from another boot. Where the kernel does not tell its boot (other systems than Linux), no
 * note is written.
 */
final class WrittenChunksNote implements AutoCloseable {
    private static final int KIND = 0x4E4F5445; // "NOTE": never taken for a checkpoint's body
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private final Path file;
    private final UUID boot;
    private FileChannel channel;
    private int length;

    /** A note at {@code file}, tagged with {@code boot}; nothing is written until {@link #write}. */
    WrittenChunksNote(Path file, UUID boot) {
        this.file = file;
        this.boot = boot;
    }

    /** The note beside the partial file of the download into {@code target}. */
    static Path fileOf(Path target) {
        return target.resolveSibling(target.getFileName() + ".aldis-written");
    }

    /** The boot this machine runs in, as its kernel tells it; empty where it does not. */
    static Optional<UUID> currentBoot() {
        return Boot.CURRENT;
    }

    /** Replaces the note with {@code held}, the chunks of transfer {@code transferId} written so far. */
    void write(UUID transferId, List<ChunkRange> held) throws IOException {
        byte[] bytes = CheckpointFile.bytesOf(out -> {
            out.writeInt(KIND);
            writeUuid(out, transferId);
            writeUuid(out, boot);
            Ranges.write(out, held);
        });
        if (channel == null) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            length = 0;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, buffer.position());
        }
        if (bytes.length < length) {
            channel.truncate(bytes.length);
        }
        length = bytes.length;
    }

    /**
     * The chunks of transfer {@code transferId} the note at {@code file} names, if it was written in
     * {@code boot}; null when there is no note, or it is damaged, of another transfer or of another boot.
     */
    static List<ChunkRange> read(Path file, UUID transferId, UUID boot) {
        return CheckpointFile.read(file, (DataInputStream in) -> {
            if (in.readInt() != KIND || !readUuid(in).equals(transferId) || !readUuid(in).equals(boot)) {
                return null;
            }
            return Ranges.read(in);
        });
    }

    /** Stops writing; the note stays for the next application that resumes the download. */
    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was promised about the note's bytes: a damaged one is ignored
            }
            channel = null;
        }
    }

    /** Stops writing and deletes the note. */
    void delete() {
        close();
        CheckpointFile.delete(file);
    }

    private static void writeUuid(DataOutputStream out, UUID id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static UUID readUuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    /** Read once: the boot does not change while the application runs. */
    private static final class Boot {
        static final Optional<UUID> CURRENT = read();

        private static Optional<UUID> read() {
            try {
                return Optional.of(UUID.fromString(Files.readString(BOOT_ID).trim()));
            } catch (IOException | RuntimeException unknown) {
                return Optional.empty();
            }
        }
    }
}
