package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.files.ChunkCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EncodedChunkDataTest {
    private static final UUID ID = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true, true);

    private static EncodedChunkData encoded(byte[] chunk, boolean last, int index) {
        ByteBuf buffer = EncodedChunkData.allocate(ALLOC, chunk.length);
        buffer.writeBytes(chunk);
        return EncodedChunkData.of(buffer, last, ID, index, ChunkCodec.crc32(chunk, 0, chunk.length));
    }

    private static ChunkData plain(byte[] chunk, boolean last, int index) {
        return new ChunkData(false, last, ID, index, chunk.length, ChunkCodec.crc32(chunk, 0, chunk.length), chunk);
    }

    private static String bytesOf(Frame frame) {
        return ByteBufUtil.hexDump(Fixtures.encode(frame));
    }

    @Test
    void itIsTheFrameOfTheUncompressedChunkDataWithTheSameFields() {
        for (byte[] chunk : new byte[][] {random(1000, 1), random(1, 2), new byte[0]}) {
            for (boolean last : new boolean[] {false, true}) {
                EncodedChunkData encoded = encoded(chunk, last, 42);
                try {
                    assertThat(ByteBufUtil.hexDump(encoded.content())).isEqualTo(bytesOf(plain(chunk, last, 42)));
                    assertThat(FrameCodec.decode(encoded.content().duplicate())).usingRecursiveComparison()
                            .isEqualTo(plain(chunk, last, 42));
                } finally {
                    encoded.release();
                }
            }
        }
    }

    @Test
    void encodingItElsewhereCopiesItAndLeavesItAsItWas() {
        EncodedChunkData encoded = encoded(random(300, 3), false, 7);
        String before = ByteBufUtil.hexDump(encoded.content());
        assertThat(bytesOf(encoded)).isEqualTo(before);
        assertThat(ByteBufUtil.hexDump(encoded.content())).isEqualTo(before);
        assertThat(encoded.refCnt()).isEqualTo(1);
        encoded.release();
    }

    @Test
    void tcpSendsItsOwnBufferBehindTheLengthPrefixAsItWouldTheChunkData() {
        byte[] chunk = random(100_000, 4);
        EmbeddedChannel channel = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        channel.writeOutbound(plain(chunk, true, 3));
        ByteBuf expected = channel.readOutbound();
        EncodedChunkData encoded = encoded(chunk, true, 3);
        ByteBuf own = encoded.content();
        channel.writeOutbound(encoded);
        ByteBuf sent = channel.readOutbound();
        try {
            assertThat(sent).isSameAs(own);
            assertThat(ByteBufUtil.hexDump(sent)).isEqualTo(ByteBufUtil.hexDump(expected));
        } finally {
            expected.release();
            sent.release();
        }
        assertThat(encoded.refCnt()).isZero();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void framesWrittenBeforeItGoOutBeforeIt() {
        EmbeddedChannel channel = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        EmbeddedChannel decoder = new EmbeddedChannel(new LengthPrefixedFrameDecoder(1 << 20));
        byte[] chunk = random(64, 5);
        channel.write(plain(chunk, false, 0));
        channel.write(encoded(chunk, false, 1));
        channel.writeAndFlush(plain(chunk, true, 2));
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            decoder.writeInbound(buf);
        }
        for (ChunkData expected : List.of(plain(chunk, false, 0), plain(chunk, false, 1), plain(chunk, true, 2))) {
            assertThat((Object) decoder.readInbound()).usingRecursiveComparison().isEqualTo(expected);
        }
        assertThat((Object) decoder.readInbound()).isNull();
    }

    @Test
    void aBatchRefusesItAndReleasesIt() {
        EncodedChunkData encoded = encoded(random(10, 6), false, 0);
        assertThatThrownBy(() -> new FrameBatch(List.of(encoded))).isInstanceOf(IllegalArgumentException.class);
        assertThat(encoded.refCnt()).as("nothing else could release it").isZero();
    }

    @Test
    void aNegativeIndexOrAForeignBufferIsRefused() {
        ByteBuf buffer = EncodedChunkData.allocate(ALLOC, 0);
        assertThatThrownBy(() -> EncodedChunkData.of(buffer, false, ID, -1, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chunkIndex");
        buffer.release();
        ByteBuf foreign = ALLOC.directBuffer(8).writeLong(1);
        assertThatThrownBy(() -> EncodedChunkData.of(foreign, false, ID, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        foreign.release();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
