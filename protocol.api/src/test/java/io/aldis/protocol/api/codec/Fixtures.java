package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.UUID;

/** Shared test values and helpers. */
final class Fixtures {
    /** 00112233-4455-6677-8899-aabbccddeeff */
    static final UUID U = new UUID(0x0011223344556677L, 0x8899aabbccddeeffL);
    static final String U_HEX = "00112233445566778899aabbccddeeff";
    /** A fake SHA-256: bytes 0x00..0x1f. */
    static final byte[] H = sequence(32);
    static final String H_HEX = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    private Fixtures() {
    }

    static byte[] sequence(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /** Hex with spaces and {@code |} separators allowed for readability. */
    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replaceAll("[\\s|]", ""));
    }

    static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] encode(Frame frame) {
        ByteBuf out = Unpooled.buffer();
        try {
            FrameCodec.encode(frame, out);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    static Frame decode(byte[] bytes) {
        ByteBuf in = Unpooled.wrappedBuffer(bytes);
        try {
            Frame frame = FrameCodec.decode(in);
            assertThat(in.isReadable()).as("decode consumes the whole frame").isFalse();
            return frame;
        } finally {
            in.release();
        }
    }

    /** Field-by-field equality that compares byte arrays by content. */
    static void assertSameFrame(Frame actual, Frame expected) {
        assertThat(actual).isNotNull();
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        // Arrays.equals for byte[]: element-wise introspection of large payloads is very slow.
        assertThat(actual).usingRecursiveComparison()
                .withEqualsForType(java.util.Arrays::equals, byte[].class)
                .isEqualTo(expected);
    }
}
