package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.Fixtures.H;
import static io.aldis.protocol.api.codec.Fixtures.H_HEX;
import static io.aldis.protocol.api.codec.Fixtures.U;
import static io.aldis.protocol.api.codec.Fixtures.U_HEX;
import static io.aldis.protocol.api.codec.Fixtures.bytes;
import static io.aldis.protocol.api.codec.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.ChunkAck;
import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ChunkNack;
import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.NodeAddresses;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.Compression;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.DownloadAccept;
import io.aldis.protocol.api.DownloadComplete;
import io.aldis.protocol.api.DownloadReject;
import io.aldis.protocol.api.DownloadRequest;
import io.aldis.protocol.api.DownloadVerify;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.FileEntry;
import io.aldis.protocol.api.FileRemove;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.ListRequest;
import io.aldis.protocol.api.ListResponse;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.ResumeRequest;
import io.aldis.protocol.api.ResumeResponse;
import io.aldis.protocol.api.TransferAbort;
import io.aldis.protocol.api.ResumeStatus;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.ServiceWithdraw;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.TransferDirection;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.UploadAccept;
import io.aldis.protocol.api.UploadComplete;
import io.aldis.protocol.api.UploadReject;
import io.aldis.protocol.api.UploadRequest;
import io.aldis.protocol.api.UploadVerify;
import io.netty.buffer.ByteBufUtil;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One hand-computed byte fixture per frame type (following docs/protocol.md): the encoder must
 * produce it byte for byte and the decoder must read it back to an equal frame.
 */
class GoldenFramesTest {
    private static final String ID1 = "0000000000000001";

    static Stream<Arguments> golden() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("k", "v");
        headers.put("x", "");
        return Stream.of(
                golden(new Connect(0x0100, 3, U, "t", "c"),
                        "01 00 | 0100 | 0000000000000003 |" + U_HEX + "| 0001 74 | 0001 63"),
                golden(new ConnectAck(ConnectAck.FLAG_AUTHENTICATED, 0x0100, 0x81, U, 1048576, 15000, 1L << 30,
                                65536, List.of("SCRAM-SHA-256", "PLAIN"), "n"),
                        "02 01 | 0100 | 0000000000000081 |" + U_HEX + "| 00100000 | 00003a98 | 0000000040000000"
                                + "| 00010000 | 02 | 000d 5343 52 41 4d 2d 53 48 41 2d 32 35 36 | 0005 504c41494e"
                                + "| 0001 6e"),
                golden(new AuthStart("PLAIN", hex("00610062")), "10 00 | 0005 504c41494e | 00610062"),
                golden(new AuthChallenge(bytes("r=1")), "11 00 | 723d31"),
                golden(new AuthResponse(hex("0102")), "12 00 | 0102"),
                golden(new AuthOk("u", "tok", 1700000000000L, bytes("v=")),
                        "13 00 | 0001 75 | 0003 746f6b | 0000018bcfe56800 | 763d"),
                golden(new Ping(0x0102030405060708L), "20 00 | 0102030405060708"),
                golden(new Pong(-1), "21 00 | ffffffffffffffff"),
                golden(Pause.INSTANCE, "22 00"),
                golden(Resume.INSTANCE, "23 00"),
                golden(new Close(-603, "bye"), "24 00 | fffffda5 | 0003 627965"),
                golden(CloseAck.INSTANCE, "25 00"),
                golden(new CapabilityChange(0xC7), "26 00 | 00000000000000c7"),
                golden(new NodeAddresses(List.of("tcp://h:1", "ws://h:2/a")),
                        "27 00 | 02 | 0009 7463703a2f2f683a31 | 000a 77733a2f2f683a322f61"),
                golden(new Ack(7, "{}"), "2e 00 | 0000000000000007 | 00000002 7b7d"),
                golden(new ErrorFrame(0, -101, "v", "{\"supported\":[\"1.0\"]}"),
                        "2f 00 | 0000000000000000 | ffffff9b | 0001 76 | 00000015"
                                + "7b22737570706f72746564223a5b22312e30225d7d"),
                golden(new Message(true, 9, "t", hex("01")), "30 01 | 0000000000000009 | 0001 74 | 01"),
                golden(new Subscribe(1, "a.*", "g", ""), "31 00 |" + ID1 + "| 0003 612e2a | 0001 67 | 00000000"),
                golden(new Unsubscribe(1), "32 00 |" + ID1),
                golden(new Publish("a", "r", headers, bytes("hi")),
                        "33 01 | 0001 61 | 0001 72 | 0002 | 0001 6b 0001 76 | 0001 78 0000 | 6869"),
                golden(new Deliver(5, "a", "", Map.of(), hex("ff")), "34 00 | 0000000000000005 | 0001 61 | 0000 | ff"),
                golden(new RpcRequest(3, 5000, "s.m", bytes("[]")),
                        "40 00 | 0000000000000003 | 00001388 | 0003 732e6d | 5b5d"),
                golden(new RpcRequest(true, 3, 5000, "s.m", bytes("[]")),
                        "40 01 | 0000000000000003 | 00001388 | 0003 732e6d | 5b5d"),
                golden(new RpcResponse(3, bytes("1")), "41 00 | 0000000000000003 | 31"),
                golden(new RpcError(3, -401, "bad", ""), "42 00 | 0000000000000003 | fffffe6f | 0003 626164 | 00000000"),
                golden(new RpcCancel(3), "43 00 | 0000000000000003"),
                golden(new ServiceProvide(4, "s", "{}"), "44 00 | 0000000000000004 | 0001 73 | 00000002 7b7d"),
                golden(new ServiceWithdraw(4, "s"), "45 00 | 0000000000000004 | 0001 73"),
                golden(new StreamOpen(2, 3, StreamDirection.BIDIRECTIONAL, CreditMode.BYTES, 65536, ""),
                        "50 00 | 0000000000000002 | 0000000000000003 | 03 | 01 | 00010000 | 00000000"),
                golden(new StreamData(true, 2, hex("0a0b")), "51 01 | 0000000000000002 | 0a0b"),
                golden(new StreamCredit(2, 16), "52 00 | 0000000000000002 | 00000010"),
                golden(new StreamEnd(2), "53 00 | 0000000000000002"),
                golden(new StreamError(2, -502, "x"), "54 00 | 0000000000000002 | fffffe0a | 0001 78"),
                golden(new StreamCancel(2), "55 00 | 0000000000000002"),
                golden(StreamResume.receiver(3, 5, 64, false),
                        "56 01 | 0000000000000003 | 0000000000000005 | 00000040"),
                golden(StreamResume.receiver(3, 7, 0, true), "56 03 | 0000000000000003 | 0000000000000007 | 00000000"),
                golden(StreamResume.senderOnly(4), "56 00 | 0000000000000004 | 0000000000000000 | 00000000"),
                golden(new UploadRequest(6, "f.txt", 1000, H, 2, 512, Compression.ADAPTIVE, ""),
                        "60 00 | 0000000000000006 | 0005 662e747874 | 00000000000003e8 |" + H_HEX
                                + "| 00000002 | 00000200 | 02 | 00000000"),
                golden(new UploadAccept(6, U, 512, 8), "61 00 | 0000000000000006 |" + U_HEX + "| 00000200 | 0008"),
                golden(new UploadReject(6, -745, "full", ""),
                        "62 00 | 0000000000000006 | fffffd17 | 0004 66756c6c | 00000000"),
                golden(new DownloadRequest(7, "f", 0, Compression.LZ4),
                        "63 00 | 0000000000000007 | 0001 66 | 00000000 | 01"),
                golden(new DownloadAccept(7, U, 1000, H, 2, 512, Compression.NONE, 16),
                        "64 00 | 0000000000000007 |" + U_HEX + "| 00000000000003e8 |" + H_HEX
                                + "| 00000002 | 00000200 | 00 | 0010"),
                golden(new DownloadReject(7, -746, "no", "{}"),
                        "65 00 | 0000000000000007 | fffffd16 | 0002 6e6f | 00000002 7b7d"),
                golden(new ChunkData(true, true, U, 1, 488, 0xCAFEBABE, hex("010203")),
                        "66 03 |" + U_HEX + "| 00000001 | 000001e8 | cafebabe | 010203"),
                golden(new ChunkAck(U, 1), "67 00 |" + U_HEX + "| 00000001"),
                golden(new ChunkNack(U, 1, -720), "68 00 |" + U_HEX + "| 00000001 | fffffd30"),
                golden(new UploadComplete(U, H), "69 00 |" + U_HEX + "|" + H_HEX),
                golden(new UploadVerify(true, U, H, "f.txt"), "6a 01 |" + U_HEX + "|" + H_HEX + "| 0005 662e747874"),
                golden(new DownloadComplete(U), "6b 00 |" + U_HEX),
                golden(new DownloadVerify(false, U), "6c 00 |" + U_HEX),
                golden(new ListRequest(8, "*.txt", 0, 100),
                        "6d 00 | 0000000000000008 | 0005 2a2e747874 | 00000000 | 00000064"),
                golden(new ListResponse(8, 1, List.of(new FileEntry("f", 1000, 1700000000000L))),
                        "6e 00 | 0000000000000008 | 00000001 | 00000001 | 0001 66 | 00000000000003e8"
                                + "| 0000018bcfe56800"),
                golden(new ResumeRequest(9, U, TransferDirection.UPLOAD, H,
                                List.of(new ChunkRange(0, 4), new ChunkRange(7, 7))),
                        "6f 00 | 0000000000000009 |" + U_HEX + "| 01 |" + H_HEX
                                + "| 00000002 | 00000000 00000004 | 00000007 00000007"),
                golden(new ResumeResponse(9, U, ResumeStatus.RESUMABLE, 10, 512, 8, List.of(new ChunkRange(0, 4)),
                                List.of(new ChunkRange(5, 9))),
                        "70 00 | 0000000000000009 |" + U_HEX + "| 00 | 0000000a | 00000200 | 0008"
                                + "| 00000001 00000000 00000004 | 00000001 00000005 00000009"),
                golden(new ResumeResponse(9, U, ResumeStatus.FILE_CHANGED, 0, 0, 0, List.of(), List.of()),
                        "70 00 | 0000000000000009 |" + U_HEX + "| 02 | 00000000 | 00000000 | 0000 | 00000000 | 00000000"),
                golden(new TransferAbort(true, U, -750, "disk", ""),
                        "71 01 |" + U_HEX + "| fffffd12 | 0004 6469736b | 00000000"),
                golden(new TransferAbort(false, U, -403, "", "{}"),
                        "71 00 |" + U_HEX + "| fffffe6d | 0000 | 00000002 7b7d"),
                golden(new FileRemove(10, "a/b.txt"), "72 00 | 000000000000000a | 0007 612f622e747874"));
    }

    private static Arguments golden(Frame frame, String hex) {
        return Arguments.of(frame.type(), frame, hex);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void encoderProducesTheFixture(FrameType type, Frame frame, String hex) {
        assertThat(ByteBufUtil.hexDump(Fixtures.encode(frame))).isEqualTo(ByteBufUtil.hexDump(hex(hex)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void decoderReadsTheFixtureBack(FrameType type, Frame frame, String hex) {
        Frame decoded = Fixtures.decode(hex(hex));
        assertThat(decoded.type()).isEqualTo(type);
        Fixtures.assertSameFrame(decoded, frame);
    }

    @Test
    void everyFrameTypeHasAFixture() {
        Set<FrameType> covered = golden().map(a -> (FrameType) a.get()[0])
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(FrameType.class)));
        assertThat(covered).isEqualTo(EnumSet.allOf(FrameType.class));
    }

    @Test
    void publishWithoutHeadersClearsTheFlagAndOmitsTheBlock() {
        Publish publish = new Publish("a", "", Map.of(), bytes("hi"));
        assertThat(ByteBufUtil.hexDump(Fixtures.encode(publish))).isEqualTo("3300000161000068 69".replace(" ", ""));
        Fixtures.assertSameFrame(Fixtures.decode(hex("33 00 | 0001 61 | 0000 | 6869")), publish);
    }

    @Test
    void comparisonSeesPayloadContents() {
        // Guards the helper every golden test relies on: different bytes must not compare equal.
        assertThatThrownBy(() -> Fixtures.assertSameFrame(new AuthChallenge(hex("01")), new AuthChallenge(hex("02"))))
                .isInstanceOf(AssertionError.class);
        Fixtures.assertSameFrame(new AuthChallenge(hex("01")), new AuthChallenge(hex("01")));
    }
}
