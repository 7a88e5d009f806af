package io.aldis.protocol.api.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Remembers the short strings one connection keeps sending (subjects, reply subjects, message
 * types, method names) so that decoding the same bytes again hands back the same {@link String}
 * instead of validating, copying and allocating a new one. Reusing the instance also reuses its
 * cached hash code, which every map lookup keyed by a subject needs.
 *
 * <p>A small direct-mapped table: a string whose slot another string takes is simply decoded
 * afresh next time. Nothing is allocated until the first lookup, so idle connections cost
 * nothing. Only strings that were valid UTF-8 enter the table, and a hit requires the bytes to be
 * equal, so a hit returns exactly what a fresh decode would.
 *
 * <p>The other direction works alike: the strings one connection keeps writing (a subscription's
 * subject on every DELIVER) are encoded to UTF-8 once, keyed by the very {@code String} instance,
 * which is what the decoding side hands out for repeated bytes.
 *
 * <p>Not thread-safe: one instance belongs to one connection's decoder or encoder.
 */
public final class RepeatedStrings {
    /** Strings longer than this, in UTF-8 bytes, are never remembered. */
    public static final int MAX_LENGTH = 64;
    private static final int SLOT_BITS = 6;
    private static final int SLOTS = 1 << SLOT_BITS;

    private static final byte[] EMPTY = new byte[0];

    /** The remembered bytes of each slot as big-endian longs, the last one holding the tail. */
    private long[][] keys;
    private int[] keyLengths;
    private String[] values;
    private long[] words;
    private String[] written;
    private byte[][] writtenBytes;

    /**
     * Reads a string of {@code length} UTF-8 bytes, advancing the reader index by that much.
     *
     * @return the string, or {@code null} (with nothing read) when it is not valid UTF-8
     * @throws IndexOutOfBoundsException when fewer than {@code length} bytes are readable
     * @since 1.7
     */
    public String read(ByteBuf in, int length) {
        if (length > in.readableBytes()) {
            throw new IndexOutOfBoundsException(length + " bytes needed, " + in.readableBytes() + " readable");
        }
        if (length > MAX_LENGTH) {
            return fresh(in, length);
        }
        if (keys == null) {
            keys = new long[SLOTS][];
            keyLengths = new int[SLOTS];
            values = new String[SLOTS];
            words = new long[(MAX_LENGTH + 7) / 8];
        }
        // The bytes are read as a few longs straight from the buffer, hashed and compared as such:
        // copying a short string out of a pooled direct buffer costs more than the lookup.
        int index = in.readerIndex();
        long[] w = words;
        int n = 0;
        long hash = length;
        for (int end = index + (length & ~7); index < end; index += 8) {
            long v = in.getLong(index);
            w[n++] = v;
            hash = (hash ^ v) * 0x9E3779B97F4A7C15L;
        }
        int rest = length & 7;
        if (rest != 0) {
            long tail = 0;
            if ((rest & 4) != 0) {
                tail = in.getUnsignedInt(index);
                index += 4;
            }
            if ((rest & 2) != 0) {
                tail = tail << 16 | in.getUnsignedShort(index);
                index += 2;
            }
            if ((rest & 1) != 0) {
                tail = tail << 8 | in.getUnsignedByte(index);
            }
            w[n++] = tail;
            hash = (hash ^ tail) * 0x9E3779B97F4A7C15L;
        }
        int slot = (int) (hash >>> (64 - SLOT_BITS));
        long[] key = keys[slot];
        if (key != null && keyLengths[slot] == length && sameWords(key, w, n)) {
            in.skipBytes(length);
            return values[slot];
        }
        String value = fresh(in, length);
        if (value != null) {
            keys[slot] = Arrays.copyOf(w, n);
            keyLengths[slot] = length;
            values[slot] = value;
        }
        return value;
    }

    private static boolean sameWords(long[] key, long[] words, int n) {
        for (int i = 0; i < n; i++) {
            if (key[i] != words[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The UTF-8 form of {@code value}, encoded once per instance while it keeps its slot.
     *
     * @return the bytes, not to be modified; {@code null} when the string is longer than
     *         {@value #MAX_LENGTH} characters and is not remembered
     */
    byte[] utf8(String value) {
        if (value.isEmpty()) {
            return EMPTY;
        }
        if (value.length() > MAX_LENGTH) {
            return null;
        }
        if (written == null) {
            written = new String[SLOTS];
            writtenBytes = new byte[SLOTS][];
        }
        int hash = value.hashCode();
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        if (written[slot] == value) {
            return writtenBytes[slot];
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        written[slot] = value;
        writtenBytes[slot] = bytes;
        return bytes;
    }

    private static String fresh(ByteBuf in, int length) {
        byte[] bytes = new byte[length];
        in.getBytes(in.readerIndex(), bytes);
        if (!StrictUtf8.isValid(bytes)) {
            return null;
        }
        in.skipBytes(length);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
