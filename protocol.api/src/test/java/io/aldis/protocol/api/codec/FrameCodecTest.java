package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.Fixtures.H;
import static io.aldis.protocol.api.codec.Fixtures.U;
import static io.aldis.protocol.api.codec.Fixtures.U_HEX;
import static io.aldis.protocol.api.codec.Fixtures.bytes;
import static io.aldis.protocol.api.codec.Fixtures.decode;
import static io.aldis.protocol.api.codec.Fixtures.encode;
import static io.aldis.protocol.api.codec.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FileEntry;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.UploadRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FrameCodecTest {
    /** Types whose body ends with "rest": cutting bytes off the end can leave a valid frame. */
    private static final Set<FrameType> ENDS_WITH_REST = EnumSet.of(FrameType.AUTH_START,
            FrameType.AUTH_CHALLENGE, FrameType.AUTH_RESPONSE, FrameType.AUTH_OK, FrameType.MESSAGE,
            FrameType.PUBLISH, FrameType.DELIVER, FrameType.RPC_REQUEST, FrameType.RPC_RESPONSE,
            FrameType.STREAM_DATA, FrameType.CHUNK_DATA);

    static Stream<Arguments> golden() {
        return GoldenFramesTest.golden();
    }

    // ---- round trips

    @Test
    void roundTripsNonAsciiStringsAndLargePayloads() {
        byte[] payload = new byte[100_000];
        new Random(7).nextBytes(payload);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("z-first", "é");
        headers.put("a-second", "\uD83D\uDE00 smile");
        headers.put("m-third", "");
        List<Frame> frames = List.of(
                new Publish("sensors.température.\u4E2D", "_reply.\uD83D\uDE00", headers, payload),
                new Deliver(Long.MIN_VALUE, "a.b", "r", headers, new byte[0]),
                new Message(false, Long.MAX_VALUE, "type", payload),
                new ChunkData(false, false, UUID.randomUUID(), Integer.MAX_VALUE, 0, -1, payload),
                new ListResponse(1, 3, List.of(new FileEntry("a", 0, 0), new FileEntry("ß/b", Long.MAX_VALUE, -5),
                        new FileEntry("", 1, 1))),
                new ResumeResponse(2, U, ResumeStatus.EXPIRED, 0, 0, 0, List.of(), List.of()),
                new StreamOpen(1, 2, StreamDirection.NODE_TO_CLIENT, CreditMode.CUSTOM, 0, "{\"a\":1}"),
                new AuthOk("ü", "", 0, new byte[0]),
                new Close(0, "x".repeat(65535)));
        for (Frame frame : frames) {
            Fixtures.assertSameFrame(decode(encode(frame)), frame);
        }
    }

    @Test
    void headersKeepTheirOrder() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 20; i > 0; i--) {
            headers.put("h" + i, "v" + i);
        }
        Publish decoded = (Publish) decode(encode(new Publish("s", "", headers, new byte[0])));
        assertThat(decoded.headers().keySet()).containsExactlyElementsOf(headers.keySet());
        assertThat(decoded.headers()).containsExactlyEntriesOf(headers);
    }

    @Test
    void aRepeatedHeaderIsNamedOnOneLine() {
        // Found by MessagingFramesFuzzTest: the header's name went into the message verbatim, so a
        // name with a line break split the ERROR frame's message and the node's log line.
        byte[] publish = hex("33 01 | 0001 61 | 0000 | 0002 | 0002 610a 0001 76 | 0002 610a 0000");
        assertThatThrownBy(() -> decode(publish)).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
            assertThat(e.getMessage()).isEqualTo("header 'a\\u000a' appears twice");
        });
    }

    @Test
    void decodedFramesHoldNoReferenceToTheInput() {
        ByteBuf in = Unpooled.buffer();
        FrameCodec.encode(new StreamData(false, 1, bytes("payload")), in);
        StreamData decoded = (StreamData) FrameCodec.decode(in);
        in.setByte(10, 'X');
        assertThat(in.release()).isTrue();
        assertThat(decoded.item()).isEqualTo(bytes("payload"));
    }

    @Test
    void decodeReadsExactlyTheReadableBytes() {
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(hex("ffff"));
        FrameCodec.encode(new Ping(5), in);
        in.skipBytes(2);
        try {
            assertThat(FrameCodec.decode(in)).isEqualTo(new Ping(5));
            assertThat(in.readableBytes()).isZero();
            assertThat(in.refCnt()).as("decode does not release").isEqualTo(1);
        } finally {
            in.release();
        }
    }

    // ---- reserved and flag bits

    @Test
    void reservedFlagBitsAreIgnoredOnReceipt() {
        assertThat(decode(hex("20 ff | 0000000000000001"))).isEqualTo(new Ping(1));
        Message message = (Message) decode(hex("30 fe | 0000000000000009 | 0001 74"));
        assertThat(message.reply()).isFalse();
        StreamData data = (StreamData) decode(hex("51 fe | 0000000000000002"));
        assertThat(data.last()).isFalse();
        RpcRequest call = (RpcRequest) decode(hex("40 fe | 0000000000000003 | 00000000 | 0003 732e6d"));
        assertThat(call.streams()).isFalse();
        StreamResume resume = (StreamResume) decode(hex("56 fd | 0000000000000003 | 0000000000000001 | 00000002"));
        assertThat(resume).isEqualTo(StreamResume.receiver(3, 1, 2, false));
    }

    @Test
    void connectAckKeepsOnlyDefinedFlags() {
        ConnectAck ack = new ConnectAck(0xFF, 0x0100, 0, U, 1024, 1000, 0, 512, List.of(), "");
        byte[] wire = encode(ack);
        assertThat(wire[1]).as("reserved bits are sent as 0").isEqualTo((byte) 0x01);
        wire[1] = (byte) 0xFE;
        ConnectAck decoded = (ConnectAck) decode(wire);
        assertThat(decoded.flags()).isZero();
        assertThat(decoded.authenticated()).isFalse();
    }

    @Test
    void chunkDataFlagsAreIndependent() {
        ChunkData onlyLast = (ChunkData) decode(encode(new ChunkData(false, true, U, 0, 0, 0, new byte[0])));
        assertThat(onlyLast.compressed()).isFalse();
        assertThat(onlyLast.last()).isTrue();
        assertThat(encode(new ChunkData(true, false, U, 0, 0, 0, new byte[0]))[1]).isEqualTo((byte) 0x01);
    }

    // ---- failures

    @ParameterizedTest
    @ValueSource(ints = {0x00, 0x03, 0x0F, 0x14, 0x28, 0x2D, 0x35, 0x46, 0x57, 0x73, 0x80, 0xFF})
    void unknownTypesAreReportedAsSuch(int code) {
        assertFails(new byte[] {(byte) code, 0, 1, 2}, ErrorCode.UNKNOWN_FRAME_TYPE);
    }

    @Test
    void framesShorterThanTheHeaderAreMalformed() {
        assertFails(new byte[0], ErrorCode.MALFORMED_FRAME);
        assertFails(new byte[] {0x20}, ErrorCode.MALFORMED_FRAME);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void everyTruncationFailsOrYieldsAFrame(FrameType type, Frame frame, String hex) {
        byte[] wire = hex(hex);
        for (int length = 0; length < wire.length; length++) {
            byte[] cut = Arrays.copyOf(wire, length);
            if (ENDS_WITH_REST.contains(type)) {
                try {
                    decode(cut);
                } catch (ProtocolException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
                }
            } else {
                assertFails(cut, ErrorCode.MALFORMED_FRAME);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void trailingBytesAfterAFixedBodyAreMalformed(FrameType type, Frame frame, String hex) {
        if (ENDS_WITH_REST.contains(type)) {
            return;
        }
        byte[] wire = hex(hex);
        assertFails(Arrays.copyOf(wire, wire.length + 1), ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void invalidUtf8IsMalformed() {
        assertFails(hex("24 00 | 00000000 | 0002 c328"), ErrorCode.MALFORMED_FRAME); // bad continuation
        assertFails(hex("24 00 | 00000000 | 0002 c080"), ErrorCode.MALFORMED_FRAME); // overlong NUL
        assertFails(hex("24 00 | 00000000 | 0003 eda080"), ErrorCode.MALFORMED_FRAME); // surrogate
        assertFails(hex("24 00 | 00000000 | 0004 f4908080"), ErrorCode.MALFORMED_FRAME); // above U+10FFFF
        assertFails(hex("24 00 | 00000000 | 0001 ff"), ErrorCode.MALFORMED_FRAME);
        assertFails(hex("2e 00 | 0000000000000001 | 00000001 80"), ErrorCode.MALFORMED_FRAME); // in json
        assertThat(decode(hex("24 00 | 00000000 | 0004 f09f9880"))).isEqualTo(new Close(0, "\uD83D\uDE00"));
    }

    @Test
    void nodeAddressesAboveTheirBoundsAreMalformed() {
        StringBuilder many = new StringBuilder("27 00 | 41");
        for (int i = 0; i < 65; i++) {
            many.append(" | 0001 61");
        }
        assertFails(hex(many.toString()), ErrorCode.MALFORMED_FRAME);
        assertFails(hex("27 00 | 01 | 0100 " + "61".repeat(256)), ErrorCode.MALFORMED_FRAME);
        assertThat(decode(hex("27 00 | 01 | 00ff " + "61".repeat(255))))
                .isEqualTo(new NodeAddresses(List.of("a".repeat(255))));
    }

    @Test
    void lengthsBeyondTheFrameAreMalformed() {
        assertFails(hex("24 00 | 00000000 | ffff 61"), ErrorCode.MALFORMED_FRAME);
        assertFails(hex("2e 00 | 0000000000000001 | ffffffff 7b7d"), ErrorCode.MALFORMED_FRAME);
        assertFails(hex("2e 00 | 0000000000000001 | 80000000"), ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void countsThatCannotFitAreMalformed() {
        // entries, ranges and headers claim far more items than the bytes present could hold
        assertFails(hex("6e 00 | 0000000000000008 | 00000001 | ffffffff | 0001 66"), ErrorCode.MALFORMED_FRAME);
        assertFails(hex("70 00 | 0000000000000009 |" + U_HEX + "| 00 | 0000000a | ffffffff 00000000 00000004"),
                ErrorCode.MALFORMED_FRAME);
        assertFails(hex("33 01 | 0001 61 | 0000 | ffff | 0001 6b 0001 76"), ErrorCode.MALFORMED_FRAME);
        assertFails(hex("02 00 | 0100 | 0000000000000000 |" + U_HEX
                + "| 00000400 | 000003e8 | 0000000000000000 | 00000200 | ff | 0000"), ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void badEnumValuesAreMalformed() {
        String open = "50 00 | 0000000000000002 | 0000000000000003 | %s | %s | 00010000 | 00000000";
        assertFails(hex(String.format(open, "00", "00")), ErrorCode.MALFORMED_FRAME);
        assertFails(hex(String.format(open, "04", "00")), ErrorCode.MALFORMED_FRAME);
        assertFails(hex(String.format(open, "01", "03")), ErrorCode.MALFORMED_FRAME);
        assertThat(decode(hex(String.format(open, "01", "02")))).isInstanceOf(StreamOpen.class);
        assertFails(hex("63 00 | 0000000000000007 | 0001 66 | 00000000 | 03"), ErrorCode.MALFORMED_FRAME);
        assertFails(hex("70 00 | 0000000000000009 |" + U_HEX + "| 05 | 0000000a | 00000000 | 00000000"),
                ErrorCode.MALFORMED_FRAME);
        assertFails(hex("6f 00 | 0000000000000009 |" + U_HEX + "| 03 |" + Fixtures.H_HEX + "| 00000000"),
                ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void inconsistentFieldsAreMalformed() {
        // a chunk range that ends before it starts
        assertFails(hex("70 00 | 0000000000000009 |" + U_HEX + "| 00 | 0000000a | 00000200 | 0008"
                + "| 00000001 00000005 00000004 | 00000000"), ErrorCode.MALFORMED_FRAME);
        // a size or count above 2^31-1
        assertFails(hex("40 00 | 0000000000000003 | 80000000 | 0003 732e6d"), ErrorCode.MALFORMED_FRAME);
        assertFails(hex("64 00 | 0000000000000007 |" + U_HEX + "| 8000000000000000 |" + Fixtures.H_HEX
                + "| 00000002 | 00000200 | 00"), ErrorCode.MALFORMED_FRAME);
        // the same header twice, and a HEADERS flag on an empty block
        assertFails(hex("33 01 | 0001 61 | 0000 | 0002 | 0001 6b 0001 76 | 0001 6b 0001 77"),
                ErrorCode.MALFORMED_FRAME);
        assertFails(hex("33 01 | 0001 61 | 0000 | 0000 | 6869"), ErrorCode.MALFORMED_FRAME);
    }

    @Test
    void streamResumeFieldsOutOfRangeAreMalformed() {
        String resume = "56 %s | 0000000000000003 | %s | %s";
        // received above 2^63-1, credit above 2^31-1
        assertFails(hex(String.format(resume, "01", "8000000000000000", "00000000")), ErrorCode.MALFORMED_FRAME);
        assertFails(hex(String.format(resume, "01", "0000000000000000", "80000000")), ErrorCode.MALFORMED_FRAME);
        // a side without RECEIVING reports no items, no credit and no end
        assertFails(hex(String.format(resume, "00", "0000000000000001", "00000000")), ErrorCode.MALFORMED_FRAME);
        assertFails(hex(String.format(resume, "00", "0000000000000000", "00000001")), ErrorCode.MALFORMED_FRAME);
        assertFails(hex(String.format(resume, "02", "0000000000000000", "00000000")), ErrorCode.MALFORMED_FRAME);
        assertThat(decode(hex(String.format(resume, "03", "7fffffffffffffff", "7fffffff"))))
                .isEqualTo(StreamResume.receiver(3, Long.MAX_VALUE, Integer.MAX_VALUE, true));
    }

    @Test
    void mutatedFramesOnlyEverGiveFramesOrProtocolExceptions() {
        Random random = new Random(20261101L);
        List<byte[]> seeds = new ArrayList<>();
        golden().forEach(a -> seeds.add(hex((String) a.get()[2])));
        for (int i = 0; i < 20_000; i++) {
            byte[] wire = seeds.get(random.nextInt(seeds.size())).clone();
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && wire.length > 0; e++) {
                wire[random.nextInt(wire.length)] = (byte) random.nextInt(256);
            }
            try {
                assertThat(decode(wire)).isNotNull();
            } catch (ProtocolException e) {
                assertThat(e.code()).isIn(ErrorCode.MALFORMED_FRAME, ErrorCode.UNKNOWN_FRAME_TYPE);
            }
        }
    }

    // ---- encoding limits

    @Test
    void encodingRejectsWhatCannotBeWrittenAndWritesNothing() {
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(0x42);
            assertThatThrownBy(() -> FrameCodec.encode(new Close(0, "x".repeat(65536)), out))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> FrameCodec.encode(
                    new UploadRequest(1, "f", -1, H, 1, 1, Compression.NONE, ""), out))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> FrameCodec.encode(new RpcRequest(1, -1, "a.b", new byte[0]), out))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> FrameCodec.encode(new io.aldis.protocol.api.UploadAccept(1, U, 1, 65536), out))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(out.readableBytes()).isEqualTo(1);
        } finally {
            out.release();
        }
    }

    @Test
    void recordsRejectInvalidValues() {
        assertThatThrownBy(() -> new ChunkRange(5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamResume.receiver(1, -1, 0, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamResume.receiver(1, 0, -1, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StreamResume(false, true, 1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkRange(-1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UploadRequest(1, "f", 1, new byte[31], 1, 1, Compression.NONE, ""))
                .isInstanceOf(IllegalArgumentException.class);
        Map<String, String> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        assertThatThrownBy(() -> new Publish("s", "", withNull, new byte[0])).isInstanceOf(NullPointerException.class);
        Map<String, String> source = new LinkedHashMap<>(Map.of("a", "b"));
        Publish publish = new Publish("s", null, source, new byte[0]);
        source.put("c", "d");
        assertThat(publish.headers()).containsOnlyKeys("a");
        assertThat(publish.replyTo()).isEmpty();
    }

    private static void assertFails(byte[] wire, ErrorCode code) {
        assertThatThrownBy(() -> decode(wire))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
