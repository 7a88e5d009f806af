package io.aldis.protocol.api;

/**
 * One protocol frame. Implementations are immutable records, one per {@link FrameType};
 * {@link io.aldis.protocol.api.codec.FrameCodec} turns them into bytes and back. One exception:
 * {@link io.aldis.protocol.api.codec.EncodedChunkData}, a CHUNK_DATA frame already encoded in a
 * reference-counted buffer, for sending only.
 */
public interface Frame {
    /** The type written as the first byte of the frame. */
    FrameType type();
}
