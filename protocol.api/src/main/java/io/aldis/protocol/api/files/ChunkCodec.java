package io.aldis.protocol.api.files;

import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Turns a chunk into what CHUNK_DATA carries and back (docs/protocol.md 6.5.2): the CRC-32 of the
 * uncompressed bytes, and an LZ4 block when the transfer's compression asks for one (adaptive: only
 * when a sample of a large chunk shrinks by an eighth or more, and the block is smaller than the
 * chunk).
 *
 * <p>Decompression trusts nothing the frame says: the chunk's size is known from its
 * {@link ChunkLayout} before anything is allocated, {@code originalSize} must be that size, and the
 * safe decompressor may not write more than it, so a lying {@code originalSize} or a block built to
 * expand (a bomb) costs at most one chunk of memory and ends in {@code DECOMPRESSION_FAILED}.
 *
 * <p>Stateless and thread-safe.
 */
public final class ChunkCodec {
    /**
     * One chunk as it travels.
     *
     * @param compressed whether {@code data} is an LZ4 block (CHUNK_DATA flag COMPRESSED)
     * @param data the bytes to send
     * @param originalSize the chunk's size before compression
     * @param crc32 the CRC-32 of the uncompressed bytes
     */
    public record Encoded(boolean compressed, byte[] data, int originalSize, int crc32) {
        public Encoded {
            Objects.requireNonNull(data, "data");
        }
    }

    private ChunkCodec() {
    }

    /** The CRC-32 (ISO-HDLC, as {@link CRC32}) of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static int crc32(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    /**
     * The CRC-32 (as {@link #crc32(byte[], int, int)}) of the remaining bytes of {@code bytes}, which
     * may be a direct buffer; its position is kept.
     *
     * @since 1.3
     */
    public static int crc32(ByteBuffer bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes.duplicate());
        return (int) crc.getValue();
    }

    /**
     * Whether {@link #encode} would send the remaining bytes of {@code chunk} as they are, without
     * compression, for a transfer that uses {@code compression}: always without compression; never
     * with {@code LZ4}; with {@code ADAPTIVE}, when the chunk is large enough to be judged by a
     * sample and the sample does not shrink enough. A sender that holds a chunk in a direct buffer
     * sends it from there when this says so, and through {@link #encode} otherwise. The buffer's
     * position is kept.
     *
     * @since 1.3
     */
    public static boolean sentAsIs(ByteBuffer chunk, Compression compression) {
        if (compression == Compression.NONE || chunk.remaining() == 0) {
            return true;
        }
        if (compression != Compression.ADAPTIVE) {
            return false;
        }
        return Lz4.ADAPTIVE.sampleSaysAsIs(chunk, Lz4.scratch(Lz4.ADAPTIVE.maxBlockLength(AdaptiveLz4.SLICE_BYTES)));
    }

    /**
     * Encodes {@code length} bytes of {@code chunk} from {@code offset} for a transfer that uses
     * {@code compression}. The result never shares {@code chunk}'s array unless it is sent as is
     * and fills it exactly.
     */
    public static Encoded encode(byte[] chunk, int offset, int length, Compression compression) {
        Objects.checkFromIndexSize(offset, length, chunk.length);
        int crc = crc32(chunk, offset, length);
        if (compression == Compression.LZ4 && length > 0) {
            LZ4Compressor compressor = Lz4.FACTORY.fastCompressor();
            byte[] block = Lz4.scratch(compressor.maxCompressedLength(length));
            int blockLength = compressor.compress(chunk, offset, length, block, 0, block.length);
            return new Encoded(true, copyOf(block, blockLength), length, crc);
        }
        if (compression == Compression.ADAPTIVE && length > 0) {
            byte[] block = Lz4.scratch(Lz4.ADAPTIVE.maxBlockLength(length));
            int blockLength = Lz4.ADAPTIVE.compress(chunk, offset, length, block);
            if (blockLength >= 0) {
                return new Encoded(true, copyOf(block, blockLength), length, crc);
            }
        }
        return new Encoded(false, offset == 0 && length == chunk.length ? chunk : copyOf(chunk, offset, length),
                length, crc);
    }

    /**
     * Restores a received chunk and checks it.
     *
     * @param compressed CHUNK_DATA's COMPRESSED flag
     * @param data CHUNK_DATA's data
     * @param originalSize what CHUNK_DATA says the chunk's size is
     * @param expectedSize what the chunk's size is, from the transfer's {@link ChunkLayout}
     * @param crc32 CHUNK_DATA's CRC-32
     * @return the chunk's bytes, {@code expectedSize} of them
     * @throws ProtocolException {@code CHUNK_OUT_OF_RANGE} for a size that is not the chunk's,
     *     {@code DECOMPRESSION_FAILED} for a block that does not give exactly that size,
     *     {@code CHUNK_CHECKSUM_ERROR} for a CRC that does not match
     */
    public static byte[] decode(boolean compressed, byte[] data, int originalSize, int expectedSize, int crc32) {
        return decode(compressed, data, originalSize, expectedSize, crc32, false);
    }

    /**
     * Restores a received chunk and checks it, as {@link #decode(boolean, byte[], int, int, int)}
     * does, but restores a compressed chunk into a buffer of the calling thread that its next call
     * of this method uses again: the bytes returned are valid only until then, and a caller that
     * keeps them must copy them. For a receiver that writes and hashes each chunk and then lets it
     * go, this spares a chunk-sized allocation (and the zeroing of it) per compressed chunk.
     *
     * @return the chunk's bytes, {@code expectedSize} of them: {@code data} itself when the chunk is
     *     not compressed, else this thread's buffer
     * @throws ProtocolException as {@link #decode(boolean, byte[], int, int, int)}
     * @since 1.2
     */
    public static byte[] decodeTransient(boolean compressed, byte[] data, int originalSize, int expectedSize,
            int crc32) {
        return decode(compressed, data, originalSize, expectedSize, crc32, true);
    }

    private static byte[] decode(boolean compressed, byte[] data, int originalSize, int expectedSize, int crc32,
            boolean intoThreadBuffer) {
        if (originalSize != expectedSize) {
            throw new ProtocolException(ErrorCode.CHUNK_OUT_OF_RANGE, "the chunk says it holds " + originalSize
                    + " bytes, but this chunk of the file holds " + expectedSize);
        }
        byte[] chunk = compressed ? decompress(data, expectedSize, intoThreadBuffer) : data;
        if (chunk.length != expectedSize) {
            throw new ProtocolException(ErrorCode.CHUNK_OUT_OF_RANGE, "the chunk carries " + chunk.length
                    + " bytes, but this chunk of the file holds " + expectedSize);
        }
        if (crc32(chunk, 0, chunk.length) != crc32) {
            throw new ProtocolException(ErrorCode.CHUNK_CHECKSUM_ERROR, "the chunk's CRC-32 does not match its bytes");
        }
        return chunk;
    }

    private static byte[] decompress(byte[] block, int size, boolean intoThreadBuffer) {
        LZ4Factory factory = Lz4.FACTORY;
        // An LZ4 block is never longer than the worst case for its content; anything longer is not one.
        if (block.length > factory.fastCompressor().maxCompressedLength(size)) {
            throw new ProtocolException(ErrorCode.DECOMPRESSION_FAILED, "the compressed chunk is longer than any LZ4 "
                    + "block of " + size + " bytes can be");
        }
        LZ4SafeDecompressor decompressor = factory.safeDecompressor();
        byte[] chunk = intoThreadBuffer ? Lz4.restoreBuffer(size) : new byte[size];
        int restored;
        try {
            restored = decompressor.decompress(block, 0, block.length, chunk, 0, size);
        } catch (LZ4Exception e) {
            throw new ProtocolException(ErrorCode.DECOMPRESSION_FAILED, "the compressed chunk is not a valid LZ4 block "
                    + "of at most " + size + " bytes");
        }
        if (restored != size) {
            throw new ProtocolException(ErrorCode.DECOMPRESSION_FAILED, "the compressed chunk gives " + restored
                    + " bytes, but this chunk of the file holds " + size);
        }
        return chunk;
    }

    private static byte[] copyOf(byte[] bytes, int length) {
        return copyOf(bytes, 0, length);
    }

    private static byte[] copyOf(byte[] bytes, int offset, int length) {
        byte[] copy = new byte[length];
        System.arraycopy(bytes, offset, copy, 0, length);
        return copy;
    }

    /** Loaded on first use, so that a side that never compresses does not need lz4-java. */
    private static final class Lz4 {
        static final LZ4Factory FACTORY = load();
        static final AdaptiveLz4 ADAPTIVE = new AdaptiveLz4(FACTORY.fastCompressor());
        /**
         * Each thread's buffer for the worst case of a block: a chunk that does not compress (the
         * common case with adaptive compression) then costs no allocation at all, where a new buffer
         * a little larger than the chunk was allocated and dropped for every chunk.
         */
        private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

        /**
         * Each thread's buffer for a chunk restored by {@link #decodeTransient}; of exactly the size
         * of the last chunk restored, since a chunk is returned as an array of its own size, and
         * every chunk of a file but its last has the same size.
         */
        private static final ThreadLocal<byte[]> RESTORED = ThreadLocal.withInitial(() -> new byte[0]);

        /** This thread's buffer of exactly {@code size} bytes; its content is garbage. */
        static byte[] restoreBuffer(int size) {
            byte[] buffer = RESTORED.get();
            if (buffer.length != size) {
                buffer = new byte[size];
                RESTORED.set(buffer);
            }
            return buffer;
        }

        /** This thread's buffer of at least {@code size} bytes; its content is garbage. */
        static byte[] scratch(int size) {
            byte[] buffer = SCRATCH.get();
            if (buffer.length < size) {
                buffer = new byte[size];
                SCRATCH.set(buffer);
            }
            return buffer;
        }

        private static LZ4Factory load() {
            try {
                // The JNI codec; fastestInstance() would silently take the slow pure-Java one inside OSGi.
                return LZ4Factory.nativeInstance();
            } catch (Throwable noNativeCodec) {
                return LZ4Factory.fastestJavaInstance();
            }
        }
    }
}
