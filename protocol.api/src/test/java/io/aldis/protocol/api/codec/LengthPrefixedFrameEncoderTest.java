package io.aldis.protocol.api.codec;

import static io.aldis.protocol.api.codec.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ChunkData;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LengthPrefixedFrameEncoderTest {

    @Test
    void writesTheLengthThenTheFrame() {
        EmbeddedChannel channel = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        assertThat(channel.writeOutbound(new Ping(5))).isTrue();
        ByteBuf out = channel.readOutbound();
        try {
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(ByteBufUtil.hexDump(hex("0000000a | 20 00 | 0000000000000005")));
        } finally {
            out.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void oneInstanceServesManyPipelines() {
        assertThat(LengthPrefixedFrameEncoder.INSTANCE.isSharable()).isTrue();
        EmbeddedChannel a = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        EmbeddedChannel b = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        a.writeOutbound(new Ping(1));
        b.writeOutbound(new Ping(2));
        assertThat(a.finishAndReleaseAll()).isTrue();
        assertThat(b.finishAndReleaseAll()).isTrue();
    }

    @Test
    void everyGoldenFrameSurvivesEncoderThenDecoder() {
        EmbeddedChannel encoder = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        EmbeddedChannel decoder = new EmbeddedChannel(new LengthPrefixedFrameDecoder(1 << 20));
        List<Frame> frames = LengthPrefixedFrameDecoderTest.goldenFrames();
        for (Frame frame : frames) {
            encoder.writeOutbound(frame);
        }
        for (ByteBuf buf; (buf = encoder.readOutbound()) != null; ) {
            decoder.writeInbound(buf);
            assertThat(buf.refCnt()).isZero();
        }
        for (Frame frame : frames) {
            Fixtures.assertSameFrame(decoder.readInbound(), frame);
        }
        assertThat(encoder.finish()).isFalse();
        assertThat(decoder.finish()).isFalse();
    }

    @Test
    void aFrameThatCannotBeEncodedFailsTheWriteAndLeaksNothing() {
        EmbeddedChannel channel = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        assertThatThrownBy(() -> channel.writeOutbound(new Close(0, "x".repeat(70_000))))
                .isInstanceOf(EncoderException.class);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aLargeFileChunkGoesOutInABufferOfItsOwnAllocatedAtItsSizeAfterWhatCameBefore() {
        EmbeddedChannel channel = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        byte[] data = new byte[(1 << 20) - 30];
        data[data.length - 1] = 7;
        ChunkData chunk = new ChunkData(false, true, new UUID(1, 2), 3, data.length, 99, data);
        channel.write(new Ping(1));
        channel.write(chunk);
        channel.writeAndFlush(new Ping(2));

        ByteBuf before = channel.readOutbound();
        ByteBuf own = channel.readOutbound();
        ByteBuf after = channel.readOutbound();
        try {
            assertThat(before.readableBytes()).isEqualTo(4 + 10);
            // never grown: a buffer grown to fit ends larger than what it holds
            assertThat(own.capacity()).isEqualTo(own.readableBytes()).isEqualTo(4 + 30 + data.length);
            assertThat(after.readableBytes()).isEqualTo(4 + 10);
            EmbeddedChannel decoder = new EmbeddedChannel(new LengthPrefixedFrameDecoder(1 << 20));
            decoder.writeInbound(own.retain());
            ChunkData decoded = decoder.readInbound();
            assertThat(decoded.data()).isEqualTo(data);
            assertThat(decoded.chunkIndex()).isEqualTo(3);
        } finally {
            before.release();
            own.release();
            after.release();
        }
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aBatchGoesOutAsTheSameBytesAsItsFramesOneByOne() {
        List<Frame> frames = List.of(new Ping(1), new Deliver(3, "a.b", "", Map.of(), new byte[] {9}), new Ping(2));
        EmbeddedChannel single = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        for (Frame frame : frames) {
            single.write(frame);
        }
        single.flush();
        EmbeddedChannel batched = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        ChannelFuture written = batched.writeAndFlush(new FrameBatch(frames));
        assertThat(written.isSuccess()).isTrue();
        ByteBuf expected = single.readOutbound();
        ByteBuf actual = batched.readOutbound();
        assertThat(ByteBufUtil.hexDump(actual)).isEqualTo(ByteBufUtil.hexDump(expected));
        expected.release();
        actual.release();
        assertThat(single.finish()).isFalse();
        assertThat(batched.finish()).as("one buffer for the whole batch").isFalse();
    }

    @Test
    void aBatchLargerThanOneBufferCompletesWithItsLastBuffer() {
        List<Frame> frames = new ArrayList<>();
        int frameBytes = 4 + 2 + 8 + 2 + 1 + 2 + 1000; // prefix, header, id, subject, reply, payload
        int count = 3 * LengthPrefixedFrameEncoder.BATCH_BYTES / frameBytes;
        for (int i = 0; i < count; i++) {
            frames.add(new Deliver(i, "s", "", Map.of(), new byte[1000]));
        }
        EmbeddedChannel channel = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        ChannelFuture written = channel.write(new FrameBatch(frames));
        assertThat(written.isDone()).as("the last buffer waits for the flush").isFalse();
        channel.flush();
        assertThat(written.isSuccess()).isTrue();
        long total = 0;
        int buffers = 0;
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            assertThat(buf.readableBytes()).isLessThan(LengthPrefixedFrameEncoder.BATCH_BYTES + frameBytes);
            total += buf.readableBytes();
            buffers++;
            buf.release();
        }
        assertThat(buffers).as("full buffers passed on as they filled").isGreaterThanOrEqualTo(3);
        assertThat(total).isEqualTo((long) count * frameBytes);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void aBatchStopsAtAFrameThatCannotBeEncodedAndFailsItsWrite() {
        EmbeddedChannel channel = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        ChannelFuture written = channel.writeAndFlush(
                new FrameBatch(List.of(new Ping(1), new Close(0, "x".repeat(70_000)), new Ping(2))));
        assertThat(written.cause()).isInstanceOf(EncoderException.class);
        ByteBuf sent = channel.readOutbound();
        byte[] ping = Fixtures.encode(new Ping(1));
        assertThat(ByteBufUtil.hexDump(sent)).as("the frame before it, alone")
                .isEqualTo(String.format("%08x", ping.length) + ByteBufUtil.hexDump(ping));
        sent.release();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void anEmptyBatchWritesNothing() {
        EmbeddedChannel channel = new EmbeddedChannel(LengthPrefixedFrameEncoder.INSTANCE);
        assertThat(channel.writeAndFlush(new FrameBatch(List.of())).isSuccess()).isTrue();
        assertThat(channel.finish()).isFalse();
    }
}
