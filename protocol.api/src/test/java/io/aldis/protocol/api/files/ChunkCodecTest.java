package io.aldis.protocol.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ChunkCodecTest {
    private static final byte[] TEXT = "2026-12-05 12:00:00 INFO node started, listening on 7420\n".repeat(2000)
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] RANDOM = random(64 * 1024, 7);

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyCompressionGivesTheChunkBack(Compression compression) {
        for (byte[] chunk : new byte[][] {TEXT, RANDOM, {42}}) {
            ChunkCodec.Encoded encoded = ChunkCodec.encode(chunk, 0, chunk.length, compression);
            byte[] restored = ChunkCodec.decode(encoded.compressed(), encoded.data(), encoded.originalSize(),
                    chunk.length, encoded.crc32());
            assertThat(restored).isEqualTo(chunk);
        }
    }

    @Test
    void adaptiveCompressesOnlyWhatShrinks() {
        ChunkCodec.Encoded text = ChunkCodec.encode(TEXT, 0, TEXT.length, Compression.ADAPTIVE);
        assertThat(text.compressed()).isTrue();
        assertThat(text.data().length).isLessThan(TEXT.length / 4);

        ChunkCodec.Encoded random = ChunkCodec.encode(RANDOM, 0, RANDOM.length, Compression.ADAPTIVE);
        assertThat(random.compressed()).isFalse();
        assertThat(random.data()).isEqualTo(RANDOM);

        assertThat(ChunkCodec.encode(RANDOM, 0, RANDOM.length, Compression.LZ4).compressed()).isTrue();
        assertThat(ChunkCodec.encode(TEXT, 0, TEXT.length, Compression.NONE).compressed()).isFalse();
    }

    @Test
    void blocksEncodedOneAfterTheOtherOnOneThreadShareNoBytes() {
        byte[] other = "another chunk, another log line\n".repeat(3000).getBytes(StandardCharsets.UTF_8);
        ChunkCodec.Encoded first = ChunkCodec.encode(TEXT, 0, TEXT.length, Compression.LZ4);
        byte[] firstBlock = first.data().clone();
        ChunkCodec.Encoded second = ChunkCodec.encode(other, 0, other.length, Compression.LZ4);
        ChunkCodec.encode(RANDOM, 0, RANDOM.length, Compression.ADAPTIVE);

        assertThat(first.data()).isEqualTo(firstBlock);
        assertThat(ChunkCodec.decode(true, first.data(), TEXT.length, TEXT.length, first.crc32())).isEqualTo(TEXT);
        assertThat(ChunkCodec.decode(true, second.data(), other.length, other.length, second.crc32())).isEqualTo(other);
    }

    @Test
    void aTransientDecodeRestoresIntoTheSameBufferOfItsThreadEachTime() {
        byte[] other = "another chunk, another log line\n".repeat(TEXT.length / 32 + 1).substring(0, TEXT.length)
                .getBytes(StandardCharsets.UTF_8);
        ChunkCodec.Encoded first = ChunkCodec.encode(TEXT, 0, TEXT.length, Compression.LZ4);
        ChunkCodec.Encoded second = ChunkCodec.encode(other, 0, other.length, Compression.LZ4);

        byte[] restoredFirst = ChunkCodec.decodeTransient(true, first.data(), TEXT.length, TEXT.length, first.crc32());
        assertThat(restoredFirst).isEqualTo(TEXT);
        byte[] restoredSecond = ChunkCodec.decodeTransient(true, second.data(), other.length, other.length,
                second.crc32());
        assertThat(restoredSecond).isSameAs(restoredFirst).isEqualTo(other);

        // An uncompressed chunk is its frame's bytes, as with decode.
        ChunkCodec.Encoded plain = ChunkCodec.encode(RANDOM, 0, RANDOM.length, Compression.NONE);
        assertThat(ChunkCodec.decodeTransient(false, plain.data(), RANDOM.length, RANDOM.length, plain.crc32()))
                .isSameAs(plain.data());
    }

    @Test
    void aTransientDecodeKeepsEveryCheck() {
        byte[] bomb = LZ4Factory.fastestJavaInstance().fastCompressor().compress(new byte[16 * 1024 * 1024]);
        assertFails(() -> ChunkCodec.decodeTransient(true, bomb, 64 * 1024, 64 * 1024, 0),
                ErrorCode.DECOMPRESSION_FAILED);
        ChunkCodec.Encoded text = ChunkCodec.encode(TEXT, 0, TEXT.length, Compression.LZ4);
        assertFails(() -> ChunkCodec.decodeTransient(true, text.data(), TEXT.length, TEXT.length, text.crc32() ^ 1),
                ErrorCode.CHUNK_CHECKSUM_ERROR);
        assertFails(() -> ChunkCodec.decodeTransient(true, text.data(), TEXT.length, TEXT.length + 1, text.crc32()),
                ErrorCode.CHUNK_OUT_OF_RANGE);
    }

    @Test
    void aSliceIsEncodedAloneAndTheCrcIsOfTheUncompressedBytes() {
        ChunkCodec.Encoded slice = ChunkCodec.encode(TEXT, 100, 1000, Compression.ADAPTIVE);
        byte[] expected = Arrays.copyOfRange(TEXT, 100, 1100);
        assertThat(slice.originalSize()).isEqualTo(1000);
        assertThat(slice.crc32()).isEqualTo(ChunkCodec.crc32(expected, 0, expected.length));
        assertThat(ChunkCodec.decode(slice.compressed(), slice.data(), 1000, 1000, slice.crc32())).isEqualTo(expected);
    }

    @Test
    void aSizeOtherThanTheChunksIsOutOfRange() {
        ChunkCodec.Encoded encoded = ChunkCodec.encode(RANDOM, 0, RANDOM.length, Compression.NONE);
        assertFails(() -> ChunkCodec.decode(false, encoded.data(), RANDOM.length, RANDOM.length - 1, encoded.crc32()),
                ErrorCode.CHUNK_OUT_OF_RANGE);
        // originalSize agrees with the layout, but the data is shorter than it says
        assertFails(() -> ChunkCodec.decode(false, Arrays.copyOf(RANDOM, 10), RANDOM.length, RANDOM.length,
                encoded.crc32()), ErrorCode.CHUNK_OUT_OF_RANGE);
    }

    @Test
    void aBombStopsAtTheChunksSize() {
        // 16 MiB of zeros is a block of about 64 KiB; the chunk is said to hold 64 KiB
        byte[] zeros = new byte[16 * 1024 * 1024];
        LZ4Factory lz4 = LZ4Factory.fastestJavaInstance();
        byte[] bomb = lz4.fastCompressor().compress(zeros);
        int claimed = 64 * 1024;
        assertThat(bomb.length).isLessThan(claimed * 2);
        assertFails(() -> ChunkCodec.decode(true, bomb, claimed, claimed, 0), ErrorCode.DECOMPRESSION_FAILED);
    }

    @Test
    void aBlockThatGivesLessThanTheChunkFails() {
        byte[] block = LZ4Factory.fastestJavaInstance().fastCompressor().compress(Arrays.copyOf(TEXT, 100));
        assertFails(() -> ChunkCodec.decode(true, block, 200, 200, 0), ErrorCode.DECOMPRESSION_FAILED);
    }

    @Test
    void garbageAndOverlongBlocksFail() {
        assertFails(() -> ChunkCodec.decode(true, random(300, 3), 1000, 1000, 0), ErrorCode.DECOMPRESSION_FAILED);
        assertFails(() -> ChunkCodec.decode(true, new byte[2000], 10, 10, 0), ErrorCode.DECOMPRESSION_FAILED);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void aFlippedBitIsACrcError(Compression compression) {
        ChunkCodec.Encoded encoded = ChunkCodec.encode(RANDOM, 0, RANDOM.length, compression);
        byte[] data = encoded.data().clone();
        data[data.length - 1] ^= 0x01;
        // in an LZ4 block the last bytes are literals, so the block still decodes, to other bytes
        assertFails(() -> ChunkCodec.decode(encoded.compressed(), data, RANDOM.length, RANDOM.length, encoded.crc32()),
                ErrorCode.CHUNK_CHECKSUM_ERROR);
    }

    @Test
    void aChunkInADirectBufferIsSentAsIsExactlyWhenEncodeWouldSendItUncompressed() {
        byte[] largeRandom = random(512 * 1024, 11);
        byte[] largeText = "2026-12-05 12:00:00 INFO a line of a log that compresses\n".repeat(10_000)
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] chunk : new byte[][] {largeRandom, largeText, RANDOM, TEXT, new byte[0]}) {
            ByteBuffer direct = ByteBuffer.allocateDirect(chunk.length + 3).position(3);
            direct.put(chunk).flip().position(3);
            for (Compression compression : Compression.values()) {
                boolean asIs = ChunkCodec.sentAsIs(direct, compression);
                ChunkCodec.Encoded encoded = ChunkCodec.encode(chunk, 0, chunk.length, compression);
                if (asIs) {
                    assertThat(encoded.compressed()).as("%s, %d bytes", compression, chunk.length).isFalse();
                }
                assertThat(direct.position()).isEqualTo(3);
            }
        }
        assertThat(ChunkCodec.sentAsIs(ByteBuffer.wrap(largeRandom), Compression.ADAPTIVE)).isTrue();
        assertThat(ChunkCodec.sentAsIs(ByteBuffer.wrap(largeRandom), Compression.NONE)).isTrue();
        assertThat(ChunkCodec.sentAsIs(ByteBuffer.wrap(largeText), Compression.ADAPTIVE)).isFalse();
        assertThat(ChunkCodec.sentAsIs(ByteBuffer.wrap(largeRandom), Compression.LZ4)).isFalse();
    }

    @Test
    void theCrcOfABufferIsTheCrcOfItsRemainingBytes() {
        ByteBuffer direct = ByteBuffer.allocateDirect(RANDOM.length);
        direct.put(RANDOM).flip().position(100);
        assertThat(ChunkCodec.crc32(direct)).isEqualTo(ChunkCodec.crc32(RANDOM, 100, RANDOM.length - 100));
        assertThat(direct.position()).isEqualTo(100);
    }

    private static void assertFails(Runnable decode, ErrorCode code) {
        assertThatThrownBy(decode::run)
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
