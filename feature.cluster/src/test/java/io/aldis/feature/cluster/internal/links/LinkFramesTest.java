package io.aldis.feature.cluster.internal.links;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinkFramesTest {
    /** A channel with the decoder and a handler that keeps what failed it. */
    private static EmbeddedChannel decoding(int limit, List<Throwable> failures) {
        return new EmbeddedChannel(new LinkFrames.Decoder(limit), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                failures.add(cause);
            }
        });
    }

    @Test
    void framesWrittenAreReadBackWholeAlsoWhenTheBytesComeOneAtATime() {
        ByteBuf written = Unpooled.buffer();
        LinkFrames.write(written, LinkFrames.MESSAGE, new byte[] {1, 2, 3});
        LinkFrames.write(written, LinkFrames.RPC, new byte[0]);
        assertThat(written.getInt(0)).isEqualTo(4);
        assertThat(written.getByte(4)).isEqualTo(LinkFrames.MESSAGE);

        List<Throwable> failures = new ArrayList<>();
        EmbeddedChannel ch = decoding(16, failures);
        while (written.isReadable()) {
            ch.writeInbound(written.readRetainedSlice(1));
        }
        written.release();
        LinkFrames.Frame first = ch.readInbound();
        LinkFrames.Frame second = ch.readInbound();
        assertThat(first.kind()).isEqualTo(LinkFrames.MESSAGE);
        assertThat(first.body()).containsExactly(1, 2, 3);
        assertThat(second.kind()).isEqualTo(LinkFrames.RPC);
        assertThat(second.body()).isEmpty();
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(failures).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aLengthOverTheLimitFailsAtOnceAndEverythingAfterIsDiscarded() {
        List<Throwable> failures = new ArrayList<>();
        EmbeddedChannel ch = decoding(16, failures);
        ByteBuf in = Unpooled.buffer();
        in.writeInt(17);
        ch.writeInbound(in);
        assertThat(failures).singleElement().isInstanceOf(CorruptedFrameException.class);
        ByteBuf after = Unpooled.buffer();
        LinkFrames.write(after, LinkFrames.MESSAGE, new byte[] {1});
        ch.writeInbound(after);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(after.refCnt()).isZero();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theLimitCanBeRaisedOnceTheOtherMemberProvedItself() {
        List<Throwable> failures = new ArrayList<>();
        EmbeddedChannel ch = decoding(4, failures);
        ch.pipeline().get(LinkFrames.Decoder.class).limit(1024);
        ByteBuf in = Unpooled.buffer();
        LinkFrames.write(in, LinkFrames.MESSAGE, new byte[100]);
        ch.writeInbound(in);
        LinkFrames.Frame frame = ch.readInbound();
        assertThat(frame.body()).hasSize(100);
        assertThat(failures).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aFrameWithoutAKindFails() {
        List<Throwable> failures = new ArrayList<>();
        EmbeddedChannel ch = decoding(16, failures);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0}));
        assertThat(failures).singleElement().isInstanceOf(CorruptedFrameException.class);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
