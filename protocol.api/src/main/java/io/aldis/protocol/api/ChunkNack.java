package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * CHUNK_NACK: a chunk arrived damaged or could not be stored; the sender resends it.
 *
 * @param transferId the transfer
 * @param chunkIndex the chunk
 * @param code an {@link ErrorCode} value, such as CHUNK_CHECKSUM_ERROR
 */
public record ChunkNack(UUID transferId, int chunkIndex, int code) implements Frame {
    public ChunkNack {
        Objects.requireNonNull(transferId, "transferId");
    }

    @Override
    public FrameType type() {
        return FrameType.CHUNK_NACK;
    }
}
