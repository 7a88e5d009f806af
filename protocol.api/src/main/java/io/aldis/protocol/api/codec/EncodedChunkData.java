package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;
import java.util.UUID;

/**
 * An uncompressed CHUNK_DATA frame (docs/protocol.md 5.7) whose bytes already sit in a direct
 * buffer, ready to be written. A sender reads the chunk from its file straight into the buffer
 * {@link #allocate} gives, computes the chunk's CRC-32 there, and sends the frame {@link #of} makes:
 * the transport writes that buffer as it is. A {@link ChunkData} instead holds its chunk in an array,
 * which is read into through a temporary buffer and copied once more into the transport's buffer.
 * On the wire the two are the same: an {@code EncodedChunkData} is exactly the frame of the
 * uncompressed {@code ChunkData} with the same fields.
 *
 * <p>Reference-counted, as its buffer is: sending it hands it over, and whoever drops it instead of
 * writing it releases it. It is written once: TCP's encoder puts the length prefix in front and
 * uses the frame up, so a sender that may send a chunk again (a resend, a resume) reads it from its
 * file into a new one rather than keeping this one. Encoding it anywhere else
 * ({@link FrameCodec#encode}) copies its bytes and leaves it as it is.
 *
 * @since 1.5
 */
public final class EncodedChunkData extends DefaultByteBufHolder implements Frame {
    /** Room kept before the frame for a length prefix, so that TCP needs no buffer of its own for it. */
    static final int PREFIX_ROOM = 4;
    /** Type, flags and CHUNK_DATA's fields before the data. */
    static final int HEADER = 2 + 16 + 4 + 4 + 4;

    private EncodedChunkData(ByteBuf frame) {
        super(frame);
    }

    /**
     * A direct buffer for a chunk of {@code size} bytes, with room before it for the frame's header:
     * the caller writes exactly the chunk's bytes from the buffer's writer index on, then calls
     * {@link #of}, or releases the buffer.
     */
    public static ByteBuf allocate(ByteBufAllocator allocator, int size) {
        if (size < 0) {
            throw new IllegalArgumentException("a chunk's size must not be negative: " + size);
        }
        ByteBuf buffer = allocator.directBuffer(PREFIX_ROOM + HEADER + size);
        buffer.writerIndex(PREFIX_ROOM + HEADER);
        return buffer;
    }

    /**
     * The frame of the chunk written into {@code buffer}, which it takes over.
     *
     * @param buffer from {@link #allocate}, holding the chunk's bytes after the room for the header
     * @param last CHUNK_DATA's LAST flag
     * @param crc32 the CRC-32 of the chunk's bytes
     * @throws IllegalArgumentException if the buffer has no room for the header, or the index is negative
     */
    public static EncodedChunkData of(ByteBuf buffer, boolean last, UUID transferId, int chunkIndex, int crc32) {
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(transferId, "transferId");
        int size = buffer.writerIndex() - PREFIX_ROOM - HEADER;
        if (buffer.readerIndex() != 0 || size < 0) {
            throw new IllegalArgumentException("the buffer was not made by EncodedChunkData.allocate");
        }
        ByteBuf header = buffer.slice(PREFIX_ROOM, HEADER).writerIndex(0);
        header.writeByte(FrameType.CHUNK_DATA.code());
        header.writeByte(last ? ChunkData.FLAG_LAST : 0);
        WireFields.writeUuid(header, transferId);
        WireFields.writeU31(header, chunkIndex, "chunkIndex");
        WireFields.writeU31(header, size, "originalSize");
        header.writeInt(crc32);
        buffer.readerIndex(PREFIX_ROOM);
        return new EncodedChunkData(buffer);
    }

    @Override
    public FrameType type() {
        return FrameType.CHUNK_DATA;
    }

    /** The frame's bytes behind its 4-byte length prefix, as TCP sends them; the frame is used up. */
    ByteBuf takeLengthPrefixed() {
        ByteBuf frame = content();
        int length = frame.readableBytes();
        int start = frame.readerIndex() - PREFIX_ROOM;
        frame.setInt(start, length);
        frame.readerIndex(start);
        return frame;
    }
}
