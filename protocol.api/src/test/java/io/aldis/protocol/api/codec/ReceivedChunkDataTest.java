package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.LengthPrefixedFrameDecoderTest.concat;
import static io.aldis.protocol.api.codec.LengthPrefixedFrameDecoderTest.prefixed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.files.ChunkCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A receiver's decoder that leaves uncompressed CHUNK_DATA in the buffer it was read into. */
class ReceivedChunkDataTest {
    private static final UUID ID = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    private static final int MAX = 1 << 20;

    /** Every buffer handed to a channel; each must end up released once every frame is. */
    private final List<ByteBuf> written = new ArrayList<>();

    @AfterEach
    void everyInputBufferWasReleased() {
        for (ByteBuf buf : written) {
            assertThat(buf.refCnt()).as("input buffer released").isZero();
        }
    }

    private static ChunkData plain(int size, boolean last, int index, long seed) {
        byte[] chunk = new byte[size];
        new Random(seed).nextBytes(chunk);
        return new ChunkData(false, last, ID, index, size, ChunkCodec.crc32(chunk, 0, size), chunk);
    }

    private static byte[] wire(Frame frame) {
        return prefixed(Fixtures.encode(frame));
    }

    /** Uncompressed chunks of several sizes between a compressed chunk and other frames. */
    private static List<Frame> mixed() {
        return List.of(plain(0, false, 0, 1), new Ping(7), plain(1, false, 1, 2),
                new ChunkData(true, false, ID, 2, 488, 0xCAFEBABE, new byte[] {1, 2, 3}),
                plain(100_000, false, 3, 3), plain(1000, true, 4, 4));
    }

    private static byte[] stream(List<Frame> frames) {
        byte[] stream = new byte[0];
        for (Frame frame : frames) {
            stream = concat(stream, wire(frame));
        }
        return stream;
    }

    private static EmbeddedChannel keeping() {
        return new EmbeddedChannel(new LengthPrefixedFrameDecoder(MAX).keepChunkDataInBuffer());
    }

    private void write(EmbeddedChannel channel, byte[] bytes, int from, int to) {
        ByteBuf buf = Unpooled.directBuffer(to - from).writeBytes(bytes, from, to - from);
        written.add(buf);
        channel.writeInbound(buf);
    }

    /**
     * Reads the frames and checks them against {@code expected}: uncompressed chunks as
     * {@link ReceivedChunkData} with the same fields and bytes, everything else as without the option.
     * Each frame is released only after all are read, as a receiver that holds several would.
     */
    private static void assertReceived(EmbeddedChannel channel, List<Frame> expected) {
        List<Object> received = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            received.add(channel.readInbound());
        }
        assertThat((Object) channel.readInbound()).isNull();
        try {
            for (int i = 0; i < expected.size(); i++) {
                Frame want = expected.get(i);
                Object got = received.get(i);
                if (want instanceof ChunkData chunk && !chunk.compressed()) {
                    assertThat(got).isInstanceOf(ReceivedChunkData.class);
                    ReceivedChunkData kept = (ReceivedChunkData) got;
                    assertThat(kept.type()).isEqualTo(chunk.type());
                    assertThat(kept.last()).isEqualTo(chunk.last());
                    assertThat(kept.transferId()).isEqualTo(chunk.transferId());
                    assertThat(kept.chunkIndex()).isEqualTo(chunk.chunkIndex());
                    assertThat(kept.originalSize()).isEqualTo(chunk.originalSize());
                    assertThat(kept.crc32()).isEqualTo(chunk.crc32());
                    assertThat(kept.size()).isEqualTo(chunk.data().length);
                    assertThat(ByteBufUtil.getBytes(kept.content())).isEqualTo(chunk.data());
                } else {
                    assertThat(got).isInstanceOf(Frame.class);
                    Fixtures.assertSameFrame((Frame) got, want);
                }
            }
        } finally {
            received.forEach(ReferenceCountUtil::release);
        }
    }

    @Test
    void uncompressedChunksComeInTheirReadBufferWithTheFieldsOfChunkData() {
        List<Frame> frames = mixed();
        byte[] stream = stream(frames);
        EmbeddedChannel channel = keeping();
        write(channel, stream, 0, stream.length);
        assertReceived(channel, frames);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void chunksSplitAcrossReadsOfEveryLengthComeWhole() {
        List<Frame> frames = mixed();
        byte[] stream = stream(frames);
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            EmbeddedChannel channel = keeping();
            int at = 0;
            while (at < stream.length) {
                // from single bytes to reads longer than a chunk, so the decoder's gathering runs too
                int length = Math.min(stream.length - at, 1 + random.nextInt(round % 2 == 0 ? 70_000 : 64));
                write(channel, stream, at, at + length);
                at += length;
            }
            assertReceived(channel, frames);
            assertThat(channel.finish()).isFalse();
        }
    }

    @Test
    void aChunkKeptAfterTheConnectionClosedStillHoldsItsBytesUntilReleased() {
        ChunkData chunk = plain(5000, false, 9, 5);
        byte[] stream = wire(chunk);
        EmbeddedChannel channel = keeping();
        write(channel, stream, 0, stream.length);
        ReceivedChunkData kept = channel.readInbound();
        assertThat(channel.finish()).isFalse();
        assertThat(written.get(0).refCnt()).as("the read buffer, held by the chunk").isPositive();
        ByteBuffer[] parts = kept.content().nioBuffers();
        ChunkCodec.checkUncompressed(parts, chunk.originalSize(), 5000, chunk.crc32());
        assertThat(ByteBufUtil.getBytes(kept.content())).isEqualTo(chunk.data());
        assertThat(kept.release()).isTrue();
    }

    @Test
    void anIndexBeyondTheRangeIsMalformedAndHoldsNothing() {
        byte[] stream = wire(plain(10, false, 3, 6));
        stream[4 + 2 + 16] = (byte) 0x80; // chunkIndex's top bit
        EmbeddedChannel channel = keeping();
        write(channel, stream, 0, stream.length);
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(failure.fatal()).isTrue();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aChunkTooShortForItsHeaderIsMalformedAsWithoutTheOption() {
        byte[] frame = {(byte) FrameType.CHUNK_DATA.code(), 0, 1, 2, 3};
        EmbeddedChannel channel = keeping();
        byte[] stream = prefixed(frame);
        write(channel, stream, 0, stream.length);
        DecodeFailure failure = channel.readInbound();
        assertThat(failure.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aCorruptedChunkFailsItsCheckFromTheBuffer() {
        ChunkData chunk = plain(3000, false, 0, 7);
        byte[] stream = wire(chunk);
        stream[stream.length - 1] ^= 0x01;
        EmbeddedChannel channel = keeping();
        write(channel, stream, 0, stream.length);
        ReceivedChunkData kept = channel.readInbound();
        try {
            ByteBuffer[] parts = kept.content().nioBuffers();
            assertThatThrownBy(
                    () -> ChunkCodec.checkUncompressed(parts, kept.originalSize(), 3000, kept.crc32()))
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CHUNK_CHECKSUM_ERROR));
            assertThatThrownBy(
                    () -> ChunkCodec.checkUncompressed(parts, kept.originalSize(), 2999, kept.crc32()))
                    .isInstanceOfSatisfying(ProtocolException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.CHUNK_OUT_OF_RANGE));
        } finally {
            kept.release();
        }
        assertThat(channel.finish()).isFalse();
    }
}
