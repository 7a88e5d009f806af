package io.aldis.protocol.codec;

import io.aldis.protocol.Ack;
import io.aldis.protocol.AuthChallenge;
import io.aldis.protocol.AuthOk;
import io.aldis.protocol.AuthResponse;
import io.aldis.protocol.AuthStart;
import io.aldis.protocol.Close;
import io.aldis.protocol.CloseAck;
import io.aldis.protocol.Connect;
import io.aldis.protocol.ConnectAck;
import io.aldis.protocol.ErrorCode;
import io.aldis.protocol.ErrorFrame;
import io.aldis.protocol.Frame;
import io.aldis.protocol.FrameType;
import io.aldis.protocol.Pause;
import io.aldis.protocol.Ping;
import io.aldis.protocol.Pong;
import io.aldis.protocol.ProtocolException;
import io.aldis.protocol.Resume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
 */
public final class FrameCodec {
    private static final int FLAG_BIT0 = 0x01;
    private static final int FLAG_BIT1 = 0x02;

    private FrameCodec() {
    }

    /**
     * Writes a frame's type, flags and body to {@code out}. Nothing is written when it throws.
     *
     * @throws IllegalArgumentException if a field does not fit its wire form (a string over 65535
     *         UTF-8 bytes, a negative size, an out-of-range small integer, ...)
     */
    public static void encode(Frame frame, ByteBuf out) {
        int start = out.writerIndex();
        try {
            encodeFrame(frame, out);
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
        int size = frame.readableBytes();
        if (size < 2) {
            throw malformed("a frame of " + size + " bytes is shorter than its header");
        }
        int code = frame.readUnsignedByte();
        FrameType type = FrameType.of(code);
        if (type == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE,
                    "unknown frame type 0x" + Integer.toHexString(code));
        }
        int flags = frame.readUnsignedByte();
        Frame decoded;
        try {
            decoded = decodeBody(type, flags, frame);
        } catch (ProtocolException e) {
            throw e;
        } catch (RuntimeException e) {
            // Buffer bounds checks and record validation end up here; both mean the peer sent
            // something that does not fit the layout.
            throw malformed(type + ": " + e.getMessage());
        }
        if (frame.isReadable()) {
            throw malformed(type + ": " + frame.readableBytes() + " bytes after the end of the body");
        }
        return decoded;
    }

    private static void encodeFrame(Frame frame, ByteBuf out) {
        FrameType type = frame.type();
        out.writeByte(type.code());
        switch (type) {
            case CONNECT -> {
                Connect f = (Connect) frame;
                out.writeByte(0);
                writeU16(out, f.version(), "version");
                out.writeLong(f.capabilities());
                writeUuid(out, f.clientId());
                writeStr(out, f.resumeToken());
                writeStr(out, f.clientName());
            }
            case CONNECT_ACK -> {
                ConnectAck f = (ConnectAck) frame;
                out.writeByte(f.flags() & ConnectAck.FLAG_AUTHENTICATED);
                writeU16(out, f.version(), "version");
                out.writeLong(f.capabilities());
                writeUuid(out, f.sessionId());
                writeU31(out, f.maxFrameSize(), "maxFrameSize");
                writeU31(out, f.heartbeatMillis(), "heartbeatMillis");
                writeSize64(out, f.maxFileSize(), "maxFileSize");
                writeU31(out, f.maxChunkSize(), "maxChunkSize");
                List<String> mechanisms = f.mechanisms();
                writeU8(out, mechanisms.size(), "mechanism count");
                for (String mechanism : mechanisms) {
                    writeStr(out, mechanism);
                }
                writeStr(out, f.nodeName());
            }
            case AUTH_START -> {
                AuthStart f = (AuthStart) frame;
                out.writeByte(0);
                writeStr(out, f.mechanism());
                out.writeBytes(f.data());
            }
            case AUTH_CHALLENGE -> {
                out.writeByte(0);
                out.writeBytes(((AuthChallenge) frame).data());
            }
            case AUTH_RESPONSE -> {
                out.writeByte(0);
                out.writeBytes(((AuthResponse) frame).data());
            }
            case AUTH_OK -> {
                AuthOk f = (AuthOk) frame;
                out.writeByte(0);
                writeStr(out, f.user());
                writeStr(out, f.resumeToken());
                writeSize64(out, f.tokenExpiresAt(), "tokenExpiresAt");
                out.writeBytes(f.data());
            }
            case PING -> {
                out.writeByte(0);
                out.writeLong(((Ping) frame).nonce());
            }
            case PONG -> {
                out.writeByte(0);
                out.writeLong(((Pong) frame).nonce());
            }
            case PAUSE, RESUME, CLOSE_ACK -> out.writeByte(0);
            case CLOSE -> {
                Close f = (Close) frame;
                out.writeByte(0);
                out.writeInt(f.code());
                writeStr(out, f.message());
            }
            case ACK -> {
                Ack f = (Ack) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                writeJson(out, f.json());
            }
            case ERROR -> {
                ErrorFrame f = (ErrorFrame) frame;
                out.writeByte(0);
                out.writeLong(f.requestId());
                out.writeInt(f.code());
                writeStr(out, f.message());
                writeJson(out, f.details());
            }
            default -> throw new IllegalArgumentException("no encoding for " + type);
        }
    }

    private static Frame decodeBody(FrameType type, int flags, ByteBuf in) {
        return switch (type) {
            case CONNECT -> new Connect(in.readUnsignedShort(), in.readLong(), readUuid(in), readStr(in), readStr(in));
            case CONNECT_ACK -> {
                int ackFlags = flags & ConnectAck.FLAG_AUTHENTICATED;
                int version = in.readUnsignedShort();
                long capabilities = in.readLong();
                UUID sessionId = readUuid(in);
                int maxFrameSize = readU31(in, "maxFrameSize");
                int heartbeatMillis = readU31(in, "heartbeatMillis");
                long maxFileSize = readSize64(in, "maxFileSize");
                int maxChunkSize = readU31(in, "maxChunkSize");
                int count = in.readUnsignedByte();
                requireAtLeast(in, count * 2L, "mechanisms");
                List<String> mechanisms = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    mechanisms.add(readStr(in));
                }
                yield new ConnectAck(ackFlags, version, capabilities, sessionId, maxFrameSize, heartbeatMillis,
                        maxFileSize, maxChunkSize, mechanisms, readStr(in));
            }
            case AUTH_START -> new AuthStart(readStr(in), readRest(in));
            case AUTH_CHALLENGE -> new AuthChallenge(readRest(in));
            case AUTH_RESPONSE -> new AuthResponse(readRest(in));
            case AUTH_OK -> new AuthOk(readStr(in), readStr(in), readSize64(in, "tokenExpiresAt"), readRest(in));
            case PING -> new Ping(in.readLong());
            case PONG -> new Pong(in.readLong());
            case PAUSE -> Pause.INSTANCE;
            case RESUME -> Resume.INSTANCE;
            case CLOSE_ACK -> CloseAck.INSTANCE;
            case CLOSE -> new Close(in.readInt(), readStr(in));
            case ACK -> new Ack(in.readLong(), readJson(in));
            case ERROR -> new ErrorFrame(in.readLong(), in.readInt(), readStr(in), readJson(in));
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE, "no decoding for " + type);
        };
    }

    // ---- writing primitives

    private static void writeU8(ByteBuf out, int value, String field) {
        if ((value & ~0xFF) != 0) {
            throw new IllegalArgumentException(field + " does not fit in u8: " + value);
        }
        out.writeByte(value);
    }

    private static void writeU16(ByteBuf out, int value, String field) {
        if ((value & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(field + " does not fit in u16: " + value);
        }
        out.writeShort(value);
    }

    private static void writeU31(ByteBuf out, int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative: " + value);
        }
        out.writeInt(value);
    }

    private static void writeSize64(ByteBuf out, long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative: " + value);
        }
        out.writeLong(value);
    }

    private static void writeUuid(ByteBuf out, UUID uuid) {
        out.writeLong(uuid.getMostSignificantBits());
        out.writeLong(uuid.getLeastSignificantBits());
    }

    private static void writeStr(ByteBuf out, String value) {
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        // One pass: write the UTF-8 bytes, then patch the length they took.
        int length = ByteBufUtil.writeUtf8(out, value);
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("string of " + length + " UTF-8 bytes exceeds 65535");
        }
        out.setShort(lengthIndex, length);
    }

    private static void writeJson(ByteBuf out, String json) {
        if (json.isEmpty()) {
            out.writeInt(0);
            return;
        }
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        int length = ByteBufUtil.writeUtf8(out, json);
        out.setInt(lengthIndex, length);
    }

    // ---- reading primitives

    private static int readU31(ByteBuf in, String field) {
        int value = in.readInt();
        if (value < 0) {
            throw malformed(field + " out of range: " + Integer.toUnsignedString(value));
        }
        return value;
    }

    private static long readSize64(ByteBuf in, String field) {
        long value = in.readLong();
        if (value < 0) {
            throw malformed(field + " out of range: " + Long.toUnsignedString(value));
        }
        return value;
    }

    private static UUID readUuid(ByteBuf in) {
        long most = in.readLong();
        return new UUID(most, in.readLong());
    }

    private static String readStr(ByteBuf in) {
        return readUtf8(in, in.readUnsignedShort());
    }

    private static String readJson(ByteBuf in) {
        long length = in.readUnsignedInt();
        requireAtLeast(in, length, "json");
        return readUtf8(in, (int) length);
    }

    private static byte[] readRest(ByteBuf in) {
        byte[] bytes = new byte[in.readableBytes()];
        in.readBytes(bytes);
        return bytes;
    }

    private static void requireAtLeast(ByteBuf in, long needed, String field) {
        if (needed > in.readableBytes()) {
            throw malformed(field + " needs " + needed + " bytes but only " + in.readableBytes() + " remain");
        }
    }

    private static String readUtf8(ByteBuf in, int length) {
        if (length == 0) {
            return "";
        }
        requireAtLeast(in, length, "string");
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        if (!validUtf8(bytes)) {
            throw malformed("invalid UTF-8");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Strict UTF-8 check (RFC 3629): the JDK decoder would silently substitute U+FFFD, which would
     * let two different byte strings decode to the same name.
     */
    static boolean validUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            if (c >= 0xC2 && c <= 0xDF) {
                if (i + 1 >= n || !continuation(b[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (c >= 0xE0 && c <= 0xEF) {
                if (i + 2 >= n) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
                int lo = c == 0xE0 ? 0xA0 : 0x80;
                int hi = c == 0xED ? 0x9F : 0xBF;
                if (c1 < lo || c1 > hi || !continuation(b[i + 2])) {
                    return false;
                }
                i += 3;
            } else if (c >= 0xF0 && c <= 0xF4) {
                if (i + 3 >= n) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (nothing above U+10FFFF).
                int lo = c == 0xF0 ? 0x90 : 0x80;
                int hi = c == 0xF4 ? 0x8F : 0xBF;
                if (c1 < lo || c1 > hi || !continuation(b[i + 2]) || !continuation(b[i + 3])) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static ProtocolException malformed(String message) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, message);
    }
}
