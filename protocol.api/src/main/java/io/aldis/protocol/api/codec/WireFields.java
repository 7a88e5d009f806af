package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.QuotedText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The field kinds of the byte layouts in {@code docs/protocol.md} section 5, each written and read
 * next to the other so the two sides of a kind cannot disagree. Writers throw
 * {@link IllegalArgumentException} for a value that does not fit; readers throw
 * {@link ProtocolException} ({@link ErrorCode#MALFORMED_FRAME}) for a value the protocol forbids
 * and check a length against the bytes present before allocating for it.
 */
final class WireFields {
    private static final int SHA256_LENGTH = 32;
    // Smallest wire size of one element, so a count can be checked before anything is allocated.
    private static final int MIN_HEADER_BYTES = 4;
    private static final int RANGE_BYTES = 8;

    private WireFields() {
    }

    // ---- unsigned and non-negative integers

    static void writeU8(ByteBuf out, int value, String field) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + " does not fit in u8: " + value);
        }
        out.writeByte(value);
    }

    static void writeU16(ByteBuf out, int value, String field) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(field + " does not fit in u16: " + value);
        }
        out.writeShort(value);
    }

    static void writeU31(ByteBuf out, int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative: " + value);
        }
        out.writeInt(value);
    }

    static int readU31(ByteBuf in, String field) {
        int value = in.readInt();
        if (value < 0) {
            throw malformed(field + " out of range: " + Integer.toUnsignedString(value));
        }
        return value;
    }

    static void writeSize64(ByteBuf out, long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative: " + value);
        }
        out.writeLong(value);
    }

    static long readSize64(ByteBuf in, String field) {
        long value = in.readLong();
        if (value < 0) {
            throw malformed(field + " out of range: " + Long.toUnsignedString(value));
        }
        return value;
    }

    // ---- identifiers and hashes

    static void writeUuid(ByteBuf out, UUID uuid) {
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
    }

    static UUID readUuid(ByteBuf in) {
        long most = in.readLong();
        return new UUID(most, in.readLong());
    }

    /** The hash's length is checked by the frame record, so it is written as it is. */
    static void writeSha256(ByteBuf out, byte[] hash) {
        out.writeBytes(hash);
    }

    static byte[] readSha256(ByteBuf in) {
        requireAtLeast(in, SHA256_LENGTH, "sha256");
        byte[] hash = new byte[SHA256_LENGTH];
        in.readBytes(hash);
        return hash;
    }

    // ---- strings (u16 length + UTF-8) and JSON (u32 length + UTF-8, empty when absent)

    static void writeStr(ByteBuf out, String value) {
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        // One pass: write the UTF-8 bytes, then patch the length they took.
        int length = ByteBufUtil.writeUtf8(out, value);
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + length + " UTF-8 bytes exceeds 65535");
        }
        out.setShort(lengthIndex, length);
    }

    static String readStr(ByteBuf in) {
        return readUtf8(in, in.readUnsignedShort());
    }

    /** A string the connection repeats: its UTF-8 form comes from {@code strings} when it can. */
    static void writeStr(ByteBuf out, String value, RepeatedStrings strings) {
        byte[] utf8 = strings == null ? null : strings.utf8(value);
        if (utf8 == null) {
            writeStr(out, value);
            return;
        }
        out.writeShort(utf8.length);
        out.writeBytes(utf8);
    }

    /** A string the connection repeats: the instance read last time is reused when the bytes match. */
    static String readStr(ByteBuf in, RepeatedStrings strings) {
        int length = in.readUnsignedShort();
        if (strings == null || length == 0) {
            return readUtf8(in, length);
        }
        requireAtLeast(in, length, "string");
        String value = strings.read(in, length);
        if (value == null) {
            throw malformed("invalid UTF-8");
        }
        return value;
    }

    static void writeJson(ByteBuf out, String json) {
        if (json.isEmpty()) {
            out.writeInt(0);
            return;
        }
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int length = ByteBufUtil.writeUtf8(out, json);
        out.setInt(lengthIndex, length);
    }

    static String readJson(ByteBuf in) {
        long length = in.readUnsignedInt();
        requireAtLeast(in, length, "json");
        return readUtf8(in, (int) length);
    }

    private static String readUtf8(ByteBuf in, int length) {
        if (length == 0) {
            return "";
        }
        requireAtLeast(in, length, "string");
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        if (!StrictUtf8.isValid(bytes)) {
            throw malformed("invalid UTF-8");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---- the rest of the frame as raw bytes (payloads, items, chunks, SASL data)

    static void writeRest(ByteBuf out, byte[] bytes) {
        out.writeBytes(bytes);
    }

    static byte[] readRest(ByteBuf in) {
        byte[] bytes = new byte[in.readableBytes()];
        in.readBytes(bytes);
        return bytes;
    }

    // ---- header block: present only under the frame's HEADERS flag

    static void writeHeaders(ByteBuf out, Map<String, String> headers, RepeatedStrings strings) {
        if (headers.isEmpty()) {
            return;
        }
        writeU16(out, headers.size(), "header count");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            writeStr(out, header.getKey(), strings);
            writeStr(out, header.getValue());
        }
    }

    static Map<String, String> readHeaders(ByteBuf in, int headersFlag, RepeatedStrings strings) {
        if (headersFlag == 0) {
            return Map.of();
        }
        int count = in.readUnsignedShort();
        if (count == 0) {
            throw malformed("HEADERS flag set on an empty header block");
        }
        requireAtLeast(in, count * (long) MIN_HEADER_BYTES, "headers");
        Map<String, String> headers = new LinkedHashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String name = readStr(in, strings);
            if (headers.put(name, readStr(in)) != null) {
                throw malformed("header '" + QuotedText.of(name, 64) + "' appears twice");
            }
        }
        return Collections.unmodifiableMap(headers);
    }

    // ---- chunk ranges: u32 count, then (first, last) pairs

    static void writeRanges(ByteBuf out, List<ChunkRange> ranges) {
        out.writeInt(ranges.size());
        for (ChunkRange range : ranges) {
            out.writeInt(range.first());
            out.writeInt(range.last());
        }
    }

    static List<ChunkRange> readRanges(ByteBuf in) {
        long count = in.readUnsignedInt();
        requireAtLeast(in, count * RANGE_BYTES, "chunk ranges");
        List<ChunkRange> ranges = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            int first = readU31(in, "first chunk");
            int last = readU31(in, "last chunk");
            if (last < first) {
                throw malformed("chunk range " + first + ".." + last + " ends before it starts");
            }
            ranges.add(new ChunkRange(first, last));
        }
        return ranges;
    }

    // ---- one-byte enumerations

    static void writeCompression(ByteBuf out, Compression compression) {
        out.writeByte(compression.code());
    }

    static Compression readCompression(ByteBuf in) {
        return known(Compression.of(in.readUnsignedByte()), "compression");
    }

    /** {@code value} as decoded from its code, or malformed when the code names none. */
    static <T> T known(T value, String field) {
        if (value == null) {
            throw malformed("unknown " + field);
        }
        return value;
    }

    // ---- checks

    /** Before a count or length makes the reader allocate: the bytes must actually be there. */
    static void requireAtLeast(ByteBuf in, long needed, String field) {
        if (needed > in.readableBytes()) {
            throw malformed(field + " needs " + needed + " bytes but only " + in.readableBytes() + " remain");
        }
    }

    static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }
}
