package io.aldis.feature.filetransfer.internal.checkpoints;

import io.aldis.feature.filetransfer.api.StoredFile;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.TransferDirection;
import java.util.List;
import java.util.UUID;

/**
 * What the node keeps of a transfer so that it can be resumed after the node restarted.
 *
 * @param direction    upload or download
 * @param id           the transfer id
 * @param user         the user it belongs to
 * @param name         the file's name in the user's area
 * @param fileSize     bytes
 * @param chunkSize    the transfer's chunk size
 * @param compression  the transfer's compression
 * @param fileHash     the hash announced when it began (upload: zeros when none was given)
 * @param savedMillis  when it was last saved; the retention counts from there
 * @param chunks       upload: the chunks stored and synced; download: empty
 * @param replaces     upload: the file under its name when it was accepted, which it may replace
 *                     ({@link Replaces#UNKNOWN} in a checkpoint of version 1); download: {@link Replaces#UNKNOWN}
 * @param owner        the checkpoint store that saved it last ({@link #NO_OWNER} before it is saved,
 *                     and in a checkpoint of version 1): on a storage root several nodes share, the
 *                     node running the transfer
 */
public record Checkpoint(TransferDirection direction, UUID id, String user, String name, long fileSize, int chunkSize,
        Compression compression, byte[] fileHash, long savedMillis, List<ChunkRange> chunks, Replaces replaces,
        UUID owner) {
    /** The owner of a checkpoint no store saved yet. */
    public static final UUID NO_OWNER = new UUID(0, 0);

    public Checkpoint {
        fileHash = fileHash.clone();
        chunks = List.copyOf(chunks);
        replaces = replaces == null ? Replaces.UNKNOWN : replaces;
        owner = owner == null ? NO_OWNER : owner;
    }

    /** A checkpoint not saved yet. */
    public Checkpoint(TransferDirection direction, UUID id, String user, String name, long fileSize, int chunkSize,
            Compression compression, byte[] fileHash, long savedMillis, List<ChunkRange> chunks, Replaces replaces) {
        this(direction, id, user, name, fileSize, chunkSize, compression, fileHash, savedMillis, chunks, replaces,
                NO_OWNER);
    }

    /** A checkpoint that does not know what its upload replaces (a download's, or one of version 1). */
    public Checkpoint(TransferDirection direction, UUID id, String user, String name, long fileSize, int chunkSize,
            Compression compression, byte[] fileHash, long savedMillis, List<ChunkRange> chunks) {
        this(direction, id, user, name, fileSize, chunkSize, compression, fileHash, savedMillis, chunks,
                Replaces.UNKNOWN);
    }

    /** This checkpoint as saved at {@code millis}. */
    public Checkpoint savedAt(long millis) {
        return new Checkpoint(direction, id, user, name, fileSize, chunkSize, compression, fileHash, millis, chunks,
                replaces, owner);
    }

    /** This checkpoint as saved by the store {@code store}. */
    public Checkpoint ownedBy(UUID store) {
        return new Checkpoint(direction, id, user, name, fileSize, chunkSize, compression, fileHash, savedMillis,
                chunks, replaces, store);
    }

    /**
     * The published file an upload was accepted to replace, by size and modification time: the
     * upload publishes only while its name still holds that file (or still none).
     *
     * @param size     bytes; {@value #NONE} when there was no file, {@value #NOT_KNOWN} when it is not known
     * @param modified the file's modification time in milliseconds; 0 when there was none
     */
    public record Replaces(long size, long modified) {
        static final long NONE = -1;
        static final long NOT_KNOWN = -2;
        /** Nothing is known of the file replaced: the upload publishes whatever is there. */
        public static final Replaces UNKNOWN = new Replaces(NOT_KNOWN, 0);
        /** There was no file under the name. */
        public static final Replaces NOTHING = new Replaces(NONE, 0);

        public Replaces {
            if (size < NOT_KNOWN) {
                throw new IllegalArgumentException("not a size: " + size);
            }
        }

        /** What an upload of a name holding {@code file} (null: none) replaces. */
        public static Replaces of(StoredFile file) {
            return file == null ? NOTHING : new Replaces(file.size(), file.modifiedMillis());
        }

        /** Whether {@code now} (null: none), the file under the name at publishing, is still the one replaced. */
        public boolean stillHolds(StoredFile now) {
            if (size == NOT_KNOWN) {
                return true;
            }
            return now == null ? size == NONE : size == now.size() && modified == now.modifiedMillis();
        }
    }
}
