package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;
import java.util.UUID;

/**
 * An uncompressed CHUNK_DATA frame (docs/protocol.md 5.7) as a receiver decodes it when it asked to
 * keep chunks in the buffer they were read into ({@link LengthPrefixedFrameDecoder#keepChunkDataInBuffer}):
 * the fields of {@link ChunkData}, with the chunk's bytes in {@link #content()}, a slice of the
 * connection's read buffer, instead of a new array. A receiver checks the CRC-32, writes the file
 * and hashes from that buffer (direct, as the transport reads into direct buffers) without copying
 * the chunk first. On the wire the two are the same frame; only the decoded form differs.
 *
 * <p>Reference-counted, as its buffer is: whoever receives it releases it exactly once, whether the
 * chunk was stored, refused or dropped, and keeps neither it nor its buffer after that. Until it is
 * released it holds the read buffer it is a slice of, so a receiver handles it soon (a window of
 * chunks is the usual amount held).
 *
 * @since 1.8
 */
public final class ReceivedChunkData extends DefaultByteBufHolder implements Frame {
    /** Type, flags and CHUNK_DATA's fields before the data. */
    static final int HEADER = EncodedChunkData.HEADER;

    private final boolean last;
    private final UUID transferId;
    private final int chunkIndex;
    private final int originalSize;
    private final int crc32;

    /**
     * A received chunk whose bytes are {@code data}, which it takes over.
     *
     * @param last CHUNK_DATA's LAST flag
     * @param originalSize what the frame says the chunk's size is; for an uncompressed chunk a
     *     receiver checks it against the chunk's size in its file and against the bytes it carries
     * @param crc32 the CRC-32 the frame carries (all 32 bits; may read as negative)
     */
    public ReceivedChunkData(boolean last, UUID transferId, int chunkIndex, int originalSize, int crc32, ByteBuf data) {
        super(Objects.requireNonNull(data, "data"));
        this.last = last;
        this.transferId = Objects.requireNonNull(transferId, "transferId");
        this.chunkIndex = chunkIndex;
        this.originalSize = originalSize;
        this.crc32 = crc32;
    }

    /**
     * Whether the frame at {@code in}'s reader index, {@code length} bytes long, is one this form
     * decodes: an uncompressed CHUNK_DATA long enough for its header. Anything else (a compressed
     * chunk, a truncated one) goes through {@link FrameCodec}, which also reports the malformed.
     */
    static boolean decodes(ByteBuf in, int length) {
        if (length < HEADER) {
            return false;
        }
        int start = in.readerIndex();
        return in.getUnsignedByte(start) == FrameType.CHUNK_DATA.code()
                && (in.getUnsignedByte(start + 1) & ChunkData.FLAG_COMPRESSED) == 0;
    }

    /**
     * Reads every readable byte of {@code in} as one uncompressed CHUNK_DATA frame, which
     * {@link #decodes} accepted; the data is a retained slice of {@code in}.
     *
     * @throws io.aldis.protocol.api.ProtocolException {@code MALFORMED_FRAME} for an index or size
     *     above 2<sup>31</sup>-1, as {@link FrameCodec} reports it
     */
    static ReceivedChunkData read(ByteBuf in) {
        in.skipBytes(1);
        boolean last = (in.readUnsignedByte() & ChunkData.FLAG_LAST) != 0;
        UUID transferId = WireFields.readUuid(in);
        int chunkIndex = WireFields.readU31(in, "chunkIndex");
        int originalSize = WireFields.readU31(in, "originalSize");
        int crc32 = in.readInt();
        return new ReceivedChunkData(last, transferId, chunkIndex, originalSize, crc32,
                in.readRetainedSlice(in.readableBytes()));
    }

    @Override
    public FrameType type() {
        return FrameType.CHUNK_DATA;
    }

    /** CHUNK_DATA's LAST flag: this is the file's last chunk. */
    public boolean last() {
        return last;
    }

    /** The transfer. */
    public UUID transferId() {
        return transferId;
    }

    /** The chunk's index, from 0. */
    public int chunkIndex() {
        return chunkIndex;
    }

    /** The chunk's size as the frame says it. */
    public int originalSize() {
        return originalSize;
    }

    /** The CRC-32 the frame carries for the chunk's bytes. */
    public int crc32() {
        return crc32;
    }

    /** The chunk's bytes, as many as {@link #content()} holds. */
    public int size() {
        return content().readableBytes();
    }

    @Override
    public ReceivedChunkData replace(ByteBuf content) {
        return new ReceivedChunkData(last, transferId, chunkIndex, originalSize, crc32, content);
    }

    @Override
    public ReceivedChunkData retain() {
        super.retain();
        return this;
    }

    @Override
    public ReceivedChunkData retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public ReceivedChunkData touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public String toString() {
        return "ReceivedChunkData[transferId=" + transferId + ", chunkIndex=" + chunkIndex + ", originalSize="
                + originalSize + ", last=" + last + ", bytes=" + (refCnt() > 0 ? content().readableBytes() : "released")
                + "]";
    }
}
