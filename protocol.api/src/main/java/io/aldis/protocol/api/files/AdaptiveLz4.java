package io.aldis.protocol.api.files;

import java.nio.ByteBuffer;
import net.jpountz.lz4.LZ4Compressor;

/**
 * Adaptive compression of one chunk: a large chunk is compressed whole only when a sample of it
 * shrinks enough, so that data that does not compress (media, archives, encrypted files) costs a
 * few small compressions per chunk instead of a whole one.
 *
 * <p>The sample is {@value #SLICES} slices of {@value #SLICE_BYTES} bytes spread evenly over the
 * chunk, compressed one by one; a file whose start differs from its middle (a text header before
 * binary data) is then judged by more than its start. The chunk is compressed whole when the
 * sample's blocks together are at most {@value #WORTH_NUMERATOR}/{@value #WORTH_DENOMINATOR} of the
 * sample: a chunk that would shrink by less would cost the receiver a decompression for almost no
 * fewer bytes on the wire. Either way a block is used only when it is smaller than the chunk.
 *
 * <p>Thread-safe when its compressor is.
 */
final class AdaptiveLz4 {
    /** Slices in a sample. */
    static final int SLICES = 4;
    /** Bytes in one slice of a sample. */
    static final int SLICE_BYTES = 8 * 1024;
    /** Chunks up to this size are compressed whole: a sample would save little and judge worse. */
    static final int SAMPLED_ABOVE = 2 * SLICES * SLICE_BYTES;
    private static final int WORTH_NUMERATOR = 7;
    private static final int WORTH_DENOMINATOR = 8;

    private final LZ4Compressor compressor;

    AdaptiveLz4(LZ4Compressor compressor) {
        this.compressor = compressor;
    }

    /** The largest block {@code length} bytes can become, the size {@link #compress} needs for {@code block}. */
    int maxBlockLength(int length) {
        return compressor.maxCompressedLength(length);
    }

    /**
     * Compresses {@code length} bytes of {@code chunk} from {@code offset} into {@code block} when
     * that is worth it.
     *
     * @param block room for {@link #maxBlockLength(int)} bytes; its content is overwritten
     * @return the block's length, smaller than {@code length}; or -1 when the chunk is to be sent as is
     */
    int compress(byte[] chunk, int offset, int length, byte[] block) {
        if (length > SAMPLED_ABOVE && !sampleShrinks(chunk, offset, length, block)) {
            return -1;
        }
        int blockLength = compressor.compress(chunk, offset, length, block, 0, block.length);
        return blockLength < length ? blockLength : -1;
    }

    /**
     * Whether a chunk of {@code chunk.remaining()} bytes is sent as it is, as {@link #compress}
     * decides for a large chunk whose sample does not shrink enough; the buffer's position is kept.
     * A small chunk is compressed whole to decide, so this answers false for it.
     *
     * @param scratch room for {@link #maxBlockLength(int)} of a slice; its content is overwritten
     */
    boolean sampleSaysAsIs(ByteBuffer chunk, byte[] scratch) {
        int length = chunk.remaining();
        if (length <= SAMPLED_ABOVE) {
            return false;
        }
        ByteBuffer block = ByteBuffer.wrap(scratch);
        long stride = length / SLICES;
        long compressed = 0;
        for (int i = 0; i < SLICES; i++) {
            compressed += compressor.compress(chunk, chunk.position() + (int) (i * stride), SLICE_BYTES, block, 0,
                    scratch.length);
        }
        return !worth(compressed);
    }

    private static boolean worth(long sampleCompressed) {
        return sampleCompressed * WORTH_DENOMINATOR <= (long) SLICES * SLICE_BYTES * WORTH_NUMERATOR;
    }

    /** Whether the sample shrinks enough; {@code block} is scratch space here. */
    private boolean sampleShrinks(byte[] chunk, int offset, int length, byte[] block) {
        // Slice i starts at i/SLICES of the chunk; the last one ends a little before the chunk does.
        long stride = length / SLICES;
        long compressed = 0;
        for (int i = 0; i < SLICES; i++) {
            compressed += compressor.compress(chunk, offset + (int) (i * stride), SLICE_BYTES, block, 0, block.length);
        }
        return worth(compressed);
    }
}
