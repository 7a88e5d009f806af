package io.aldis.protocol.codec;

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
 * <p>Not thread-safe: one instance belongs to one connection's decoder.
 */
public final class RepeatedStrings {
    /** Strings longer than this, in UTF-8 bytes, are never remembered. */
    public static final int MAX_LENGTH = 64;
    private static final int SLOTS = 64;

    private byte[][] keys;
    private String[] values;
    private byte[] scratch;

    /**
     * Reads a string of {@code length} UTF-8 bytes, advancing the reader index by that much.
     *
     * @return the string, or {@code null} (with nothing read) when it is not valid UTF-8
     * @throws IndexOutOfBoundsException when fewer than {@code length} bytes are readable
     */
    String read(ByteBuf in, int length) {
        if (length > MAX_LENGTH) {
            return fresh(in, length);
        }
        if (keys == null) {
            keys = new byte[SLOTS][];
            values = new String[SLOTS];
            scratch = new byte[MAX_LENGTH];
        }
        byte[] bytes = scratch;
        in.getBytes(in.readerIndex(), bytes, 0, length);
        int hash = length;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + bytes[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        byte[] key = keys[slot];
        if (key != null && Arrays.equals(key, 0, key.length, bytes, 0, length)) {
            in.skipBytes(length);
            return values[slot];
        }
        byte[] copy = Arrays.copyOf(bytes, length);
        if (!FrameCodec.validUtf8(copy)) {
            return null;
        }
        in.skipBytes(length);
        String value = new String(copy, StandardCharsets.UTF_8);
        keys[slot] = copy;
        values[slot] = value;
        return value;
    }

    private static String fresh(ByteBuf in, int length) {
        byte[] bytes = new byte[length];
        in.getBytes(in.readerIndex(), bytes);
        if (!FrameCodec.validUtf8(bytes)) {
            return null;
        }
        in.skipBytes(length);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
