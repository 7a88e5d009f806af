package io.aldis.protocol.api;

import java.util.Objects;
import java.util.UUID;

/**
 * CHUNK_ACK: a chunk arrived intact and is stored.
 *
 * @param transferId the transfer
 * @param chunkIndex the chunk
 */
public record ChunkAck(UUID transferId, int chunkIndex) implements Frame {
    public ChunkAck {
        Objects.requireNonNull(transferId, "transferId");
    }

    @Override
    public FrameType type() {
        return FrameType.CHUNK_ACK;
    }
}
