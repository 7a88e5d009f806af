package io.aldis.protocol.api.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

/**
 * Counts the bytes the adaptive compressor hands to LZ4: data that does not compress must cost a
 * sample per chunk, never a whole chunk, and data that does must still be compressed whole.
 */
class AdaptiveLz4Test {
    private static final int CHUNK = 1_048_546;
    private static final int SAMPLE = AdaptiveLz4.SLICES * AdaptiveLz4.SLICE_BYTES;

    private final CountingCompressor counting = new CountingCompressor(LZ4Factory.nativeInstance().fastCompressor());
    private final AdaptiveLz4 adaptive = new AdaptiveLz4(counting);
    private final byte[] block = new byte[adaptive.maxBlockLength(CHUNK)];

    @Test
    void randomChunksCostOnlyTheirSamples() {
        Random random = new Random(18);
        byte[] chunk = new byte[CHUNK];
        for (int i = 0; i < 20; i++) {
            random.nextBytes(chunk);
            assertThat(adaptive.compress(chunk, 0, CHUNK, block)).isEqualTo(-1);
        }
        assertThat(counting.wholeChunks).isZero();
        assertThat(counting.bytesIn).isEqualTo(20L * SAMPLE);
    }

    @Test
    void textIsCompressedWholeAndShrinks() {
        byte[] chunk = text(CHUNK);
        int blockLength = adaptive.compress(chunk, 0, CHUNK, block);
        assertThat(blockLength).isBetween(1, CHUNK / 2);
        assertThat(counting.wholeChunks).isEqualTo(1);
        byte[] restored = new byte[CHUNK];
        LZ4Factory.safeInstance().safeDecompressor().decompress(block, 0, blockLength, restored, 0, CHUNK);
        assertThat(restored).isEqualTo(chunk);
    }

    @Test
    void textAfterARandomStartIsFoundByTheLaterSlices() {
        // A sample of the chunk's start alone would see only random bytes and skip it.
        byte[] chunk = text(CHUNK);
        byte[] noise = new byte[CHUNK / 8];
        new Random(6).nextBytes(noise);
        System.arraycopy(noise, 0, chunk, 0, noise.length);
        assertThat(adaptive.compress(chunk, 0, CHUNK, block)).isPositive();
        assertThat(counting.wholeChunks).isEqualTo(1);
    }

    @Test
    void aSmallChunkIsCompressedWholeWithoutASample() {
        byte[] chunk = new byte[AdaptiveLz4.SAMPLED_ABOVE];
        new Random(7).nextBytes(chunk);
        assertThat(adaptive.compress(chunk, 0, chunk.length, block)).isEqualTo(-1);
        assertThat(counting.wholeChunks).isEqualTo(1);
        assertThat(counting.bytesIn).isEqualTo(chunk.length);
    }

    @Test
    void aSliceOfALargerArrayIsSampledWithinItsBounds() {
        // Random bytes around a text chunk: a sample read outside the slice would see them and skip it.
        byte[] array = new byte[3 * CHUNK];
        new Random(8).nextBytes(array);
        System.arraycopy(text(CHUNK), 0, array, CHUNK, CHUNK);
        assertThat(adaptive.compress(array, CHUNK, CHUNK, block)).isPositive();
    }

    private static byte[] text(int size) {
        StringBuilder log = new StringBuilder(size + 100);
        Random random = new Random(3);
        while (log.length() < size) {
            log.append("2026-12-05T12:00:").append(random.nextInt(60)).append(" INFO request ")
                    .append(random.nextInt(100_000)).append(" served in ").append(random.nextInt(900)).append(" ms\n");
        }
        return log.substring(0, size).getBytes(StandardCharsets.US_ASCII);
    }

    /** The real compressor, with a count of what it was given. */
    private static final class CountingCompressor extends LZ4Compressor {
        private final LZ4Compressor real;
        long bytesIn;
        int wholeChunks;

        CountingCompressor(LZ4Compressor real) {
            this.real = real;
        }

        @Override
        public int compress(byte[] src, int srcOff, int srcLen, byte[] dest, int destOff, int maxDestLen) {
            bytesIn += srcLen;
            if (srcLen > SAMPLE) {
                wholeChunks++;
            }
            return real.compress(src, srcOff, srcLen, dest, destOff, maxDestLen);
        }

        @Override
        public int compress(ByteBuffer src, int srcOff, int srcLen, ByteBuffer dest, int destOff, int maxDestLen) {
            throw new UnsupportedOperationException("chunks are byte arrays");
        }
    }
}
