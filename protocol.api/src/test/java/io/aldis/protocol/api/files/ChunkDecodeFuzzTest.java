package io.aldis.protocol.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

/**
 * Fuzzes the restoring of a received chunk ({@link ChunkCodec#decode}): a sender controls the
 * compressed flag, the data, the size it claims and the CRC; the receiver knows the size the chunk
 * must have from the transfer's layout. The contract:
 * <ul>
 *   <li>a claimed size other than the chunk's is refused before anything is restored, so no claim
 *       makes the receiver allocate more than the chunk's own size;</li>
 *   <li>an accepted chunk is exactly the chunk's size, matches its CRC, and is what lz4-java's
 *       pure-Java decoder (a second, independent reading of the block) gives; a block that does
 *       not restore to exactly that size is refused, whatever CRC comes with it;</li>
 *   <li>every refusal is {@code CHUNK_OUT_OF_RANGE}, {@code DECOMPRESSION_FAILED} or
 *       {@code CHUNK_CHECKSUM_ERROR} in the project's words;</li>
 *   <li>what {@link ChunkCodec#encode} makes of the same bytes restores to them.</li>
 * </ul>
 * The input picks the flags and sizes from its end and gives the data from its start.
 */
class ChunkDecodeFuzzTest {
    private static final int MAX_CHUNK = 1 << 16;
    private static final Set<ErrorCode> REFUSALS = EnumSet.of(ErrorCode.CHUNK_OUT_OF_RANGE,
            ErrorCode.DECOMPRESSION_FAILED, ErrorCode.CHUNK_CHECKSUM_ERROR);
    private static final LZ4Factory REFERENCE = LZ4Factory.safeInstance();

    @FuzzTest
    void restoresExactlyOrRefuses(FuzzedDataProvider input) {
        boolean compressed = input.consumeBoolean();
        boolean honestCrc = input.consumeBoolean();
        int expectedSize = input.consumeInt(0, MAX_CHUNK);
        int claimedSize = input.consumeBoolean() ? expectedSize : input.consumeInt();
        int liedCrc = input.consumeInt();
        byte[] data = input.consumeRemainingAsBytes();

        byte[] reference = compressed ? referenceRestore(data, expectedSize) : data;
        int crc = honestCrc && reference != null ? ChunkCodec.crc32(reference, 0, reference.length) : liedCrc;

        if (claimedSize != expectedSize) {
            // Not even a compressed block is looked at: the claim alone is refused.
            assertThatThrownBy(() -> ChunkCodec.decode(compressed, data, claimedSize, expectedSize, crc))
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CHUNK_OUT_OF_RANGE));
            return;
        }
        byte[] restored = restoreOrRefuse(() -> ChunkCodec.decode(compressed, data, claimedSize, expectedSize, crc));
        byte[] intoThreadBuffer = restoreOrRefuse(
                () -> ChunkCodec.decodeTransient(compressed, data, claimedSize, expectedSize, crc));
        assertThat(intoThreadBuffer).as("decodeTransient agrees with decode").isEqualTo(restored);
        boolean valid = reference != null && reference.length == expectedSize
                && ChunkCodec.crc32(reference, 0, reference.length) == crc
                && (!compressed || data.length <= REFERENCE.fastCompressor().maxCompressedLength(expectedSize));
        if (restored == null) {
            assertThat(valid).as("a valid chunk was refused").isFalse();
        } else {
            assertThat(restored).hasSize(expectedSize).isEqualTo(reference);
            assertThat(ChunkCodec.crc32(restored, 0, restored.length)).isEqualTo(crc);
        }

        for (Compression compression : Compression.values()) {
            ChunkCodec.Encoded encoded = ChunkCodec.encode(data, 0, data.length, compression);
            byte[] back = ChunkCodec.decode(encoded.compressed(), encoded.data(), encoded.originalSize(), data.length,
                    encoded.crc32());
            assertThat(back).as("round trip with %s", compression).isEqualTo(data);
        }
    }

    /** The pure-Java decoder's reading of the block, or null when it finds none. */
    private static byte[] referenceRestore(byte[] block, int size) {
        byte[] out = new byte[size];
        try {
            int n = REFERENCE.safeDecompressor().decompress(block, 0, block.length, out, 0, size);
            return Arrays.copyOf(out, n);
        } catch (LZ4Exception e) {
            return null;
        }
    }

    private static byte[] restoreOrRefuse(Supplier<byte[]> restore) {
        try {
            byte[] chunk = restore.get();
            return Arrays.copyOf(chunk, chunk.length);
        } catch (ProtocolException e) {
            assertThat(e.code()).as(e.getMessage()).isIn(REFUSALS);
            assertThat(e.getMessage()).isNotBlank().doesNotContain("Exception").doesNotContain("net.jpountz");
            return null;
        }
    }
}
