package io.aldis.protocol.codec;

import static io.aldis.protocol.codec.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.Close;
import io.aldis.protocol.Frame;
import io.aldis.protocol.Ping;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.List;
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
}
