package io.aldis.feature.filetransfer.internal.checkpoints;

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
 */
public record Checkpoint(TransferDirection direction, UUID id, String user, String name, long fileSize, int chunkSize,
        Compression compression, byte[] fileHash, long savedMillis, List<ChunkRange> chunks) {
    public Checkpoint {
        fileHash = fileHash.clone();
        chunks = List.copyOf(chunks);
    }
}
