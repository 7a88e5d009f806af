package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.WireFields.malformed;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.ProtocolException;
import io.netty.buffer.ByteBuf;

/**
 * Encodes protocol v1 frames to bytes and decodes them back, following the byte layouts of
 * {@code docs/protocol.md}. A frame on the wire is a type byte, a flags byte and the type's body;
 * the transport adds its own framing (a length prefix on TCP, one message per frame on WebSocket).
 *
 * <p>Decoding fails closed: any defect throws {@link ProtocolException} with
 * {@link ErrorCode#UNKNOWN_FRAME_TYPE} or {@link ErrorCode#MALFORMED_FRAME} and nothing else,
 * and no length field makes it allocate more than the bytes actually present. Decoded frames own
 * their payloads as {@code byte[]} and keep no reference to the input buffer.
 *
 * <p>Fields written as {@code u32} that hold a count, size, index, offset or duration are Java
 * {@code int}s and must lie in 0..2<sup>31</sup>-1; {@code u64} sizes must be non-negative. A
 * decoded value outside those ranges is malformed, and encoding one throws
 * {@link IllegalArgumentException}.
 *
 * <p>Each frame type's flags and body are defined once, in its layout, which both directions
 * follow; this class adds the type byte, the flags byte and the checks common to every frame.
 */
public final class FrameCodec {
    private FrameCodec() {
    }

    /**
     * Writes a frame's type, flags and body to {@code out}. Nothing is written when it throws.
     *
     * @throws IllegalArgumentException if a field does not fit its wire form (a string over 65535
     *         UTF-8 bytes, a negative size, an out-of-range small integer, ...)
     */
    public static void encode(Frame frame, ByteBuf out) {
        encode(frame, out, null);
    }

    /**
     * Like {@link #encode(Frame, ByteBuf)}, taking the UTF-8 form of the strings a connection
     * repeats (subjects, reply subjects, message types, method names, header names) from
     * {@code strings}.
     *
     * @param strings the connection's table of repeated strings, or {@code null} for none
     */
    public static void encode(Frame frame, ByteBuf out, RepeatedStrings strings) {
        if (frame instanceof EncodedChunkData encoded) {
            ByteBuf bytes = encoded.content();
            out.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
            return;
        }
        int start = out.writerIndex();
        try {
            encodeFrame(frame, out, strings);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    /**
     * Reads every readable byte of {@code frame} as exactly one frame. The buffer's reader index
     * advances; the buffer is not released.
     *
     * @throws ProtocolException with {@link ErrorCode#UNKNOWN_FRAME_TYPE} when the type byte names
     *         no v1 frame, or {@link ErrorCode#MALFORMED_FRAME} for any other defect
     */
    public static Frame decode(ByteBuf frame) {
        return decode(frame, null);
    }

    /**
     * Like {@link #decode(ByteBuf)}, reusing the strings a connection repeats (subjects, reply
     * subjects, message types, method names, header names) from {@code strings}.
     *
     * @param strings the connection's table of repeated strings, or {@code null} for none
     */
    public static Frame decode(ByteBuf frame, RepeatedStrings strings) {
        int size = frame.readableBytes();
        if (size < 2) {
            throw malformed("a frame of " + size + " bytes is shorter than its header");
        }
        int start = frame.readerIndex();
        int code = frame.readUnsignedByte();
        FrameType type = FrameType.of(code);
        if (type == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE,
                    "unknown frame type 0x" + Integer.toHexString(code));
        }
        int flags = frame.readUnsignedByte();
        Frame decoded;
        try {
            decoded = FrameLayouts.of(type).read(flags, frame, strings);
        } catch (ProtocolException e) {
            throw e;
        } catch (IndexOutOfBoundsException e) {
            // A read that failed its bounds check left the reader index where that field begins,
            // which names the field by its offset in section 5's tables.
            throw malformed(type + " is truncated: the field at offset " + (frame.readerIndex() - start)
                    + " does not fit in the " + size + "-byte frame");
        } catch (RuntimeException e) {
            // Record validation: the frame's own checks, whose messages name the field.
            throw malformed(type + ": " + e.getMessage());
        }
        if (frame.isReadable()) {
            throw malformed(type + ": " + frame.readableBytes() + " bytes after the end of the body");
        }
        return decoded;
    }

    private static <F extends Frame> void encodeFrame(F frame, ByteBuf out, RepeatedStrings strings) {
        FrameType type = frame.type();
        FrameLayout<F> layout = FrameLayouts.of(type);
        out.writeByte(type.code());
        out.writeByte(layout.flags(frame));
        layout.write(frame, out, strings);
    }
}
