package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * CHUNK_DATA: one chunk of a file, in either direction.
 *
 * @param compressed whether {@code data} is LZ4-compressed (flag bit 0, COMPRESSED)
 * @param last whether this is the file's last chunk (flag bit 1, LAST)
 * @param transferId the transfer
 * @param chunkIndex the chunk's index, from 0
 * @param originalSize the chunk's size before compression, in bytes
 * @param crc32 the CRC-32 of the uncompressed bytes (all 32 bits; may read as negative)
 * @param data the chunk bytes as sent
 */
public record ChunkData(boolean compressed, boolean last, UUID transferId, int chunkIndex, int originalSize,
        int crc32, byte[] data) implements Frame {
    /** Flag bit 0: the data is LZ4-compressed. */
    public static final int FLAG_COMPRESSED = 0x01;
    /** Flag bit 1: this is the last chunk. */
    public static final int FLAG_LAST = 0x02;

    public ChunkData {
        Objects.requireNonNull(transferId, "transferId");
        Objects.requireNonNull(data, "data");
    }

    @Override
    public FrameType type() {
        return FrameType.CHUNK_DATA;
    }
}
