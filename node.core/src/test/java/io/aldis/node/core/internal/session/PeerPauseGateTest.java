package io.aldis.node.core.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Message;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.codec.EncodedChunkData;
import io.aldis.protocol.api.codec.FrameBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeerPauseGateTest {
    private final AtomicInteger overflows = new AtomicInteger();
    private final List<Boolean> writabilityChanges = new ArrayList<>();

    private EmbeddedChannel channel(long limit) {
        PeerPauseGate gate = new PeerPauseGate(limit, overflows::incrementAndGet);
        return new EmbeddedChannel(gate, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                writabilityChanges.add(ctx.channel().isWritable());
            }
        });
    }

    private static PeerPauseGate gate(EmbeddedChannel channel) {
        return channel.pipeline().get(PeerPauseGate.class);
    }

    @Test
    void workFramesWaitForResumeInOrderWhileTheConnectionsOwnFramesPass() {
        EmbeddedChannel channel = channel(1 << 20);
        gate(channel).pause();
        channel.writeAndFlush(new Ack(1, ""));
        channel.writeAndFlush(new Ping(2));
        channel.writeAndFlush(new Message(false, 3, "t", new byte[10]));
        channel.writeAndFlush(ErrorFrame.of(0, ErrorCode.PROTOCOL_ERROR, "connection"));
        channel.writeAndFlush(ErrorFrame.of(4, ErrorCode.NO_HANDLER, "a request's answer"));
        channel.writeAndFlush(new Pong(5));
        channel.writeAndFlush(new Close(0, "bye"));

        assertThat(drain(channel)).containsExactly(new Ping(2), ErrorFrame.of(0, ErrorCode.PROTOCOL_ERROR, "connection"),
                new Pong(5), new Close(0, "bye"));
        assertThat(gate(channel).heldBytes()).isPositive();

        gate(channel).resume();
        List<Object> released = drain(channel);
        assertThat(released).hasSize(3);
        assertThat(released.get(0)).isEqualTo(new Ack(1, ""));
        assertThat(released.get(1)).isInstanceOf(Message.class);
        assertThat(released.get(2)).isEqualTo(ErrorFrame.of(4, ErrorCode.NO_HANDLER, "a request's answer"));
        assertThat(gate(channel).heldBytes()).isZero();
        assertThat(overflows).hasValue(0);
    }

    @Test
    void theChannelIsUnwritableForTheWholePauseSoFeaturesApplyTheirOwnPolicies() {
        EmbeddedChannel channel = channel(1 << 20);
        assertThat(channel.isWritable()).isTrue();
        gate(channel).pause();
        channel.runPendingTasks();
        assertThat(channel.isWritable()).isFalse();
        gate(channel).resume();
        channel.runPendingTasks();
        assertThat(channel.isWritable()).isTrue();
        assertThat(writabilityChanges).containsExactly(false, true);
    }

    @Test
    void aBatchWithAWorkFrameWaitsWhole() {
        EmbeddedChannel channel = channel(1 << 20);
        gate(channel).pause();
        channel.writeAndFlush(new FrameBatch(List.of(new Ping(1), new Ack(2, ""))));
        channel.writeAndFlush(new FrameBatch(List.of(new Ping(3), new Pong(4))));
        assertThat(drain(channel)).hasSize(1).first().isEqualTo(new FrameBatch(List.of(new Ping(3), new Pong(4))));
        gate(channel).resume();
        assertThat(drain(channel)).containsExactly(new FrameBatch(List.of(new Ping(1), new Ack(2, ""))));
    }

    @Test
    void whatWaitsIsBoundedAndOverflowEndsTheSessionOnce() {
        // Room for one 1000-byte message, not two.
        EmbeddedChannel channel = channel(1500);
        gate(channel).pause();
        channel.writeAndFlush(new Message(false, 1, "t", new byte[1000]));
        assertThat(overflows).hasValue(0);
        channel.writeAndFlush(new Message(false, 2, "t", new byte[1000]));
        assertThat(overflows).hasValue(1);
        assertThat(gate(channel).heldBytes()).isLessThanOrEqualTo(1500);
        assertThat(drain(channel)).isEmpty();
    }

    @Test
    void withoutPauseEverythingPasses() {
        EmbeddedChannel channel = channel(10);
        channel.writeAndFlush(new Message(false, 1, "t", new byte[1000]));
        assertThat(drain(channel)).hasSize(1);
        assertThat(overflows).hasValue(0);
    }

    private static List<Object> drain(EmbeddedChannel channel) {
        List<Object> out = new ArrayList<>();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            out.add(msg);
        }
        return out;
    }
    private static EncodedChunkData chunk(int size) {
        ByteBuf buffer = EncodedChunkData.allocate(UnpooledByteBufAllocator.DEFAULT, size);
        buffer.writeZero(size);
        return EncodedChunkData.of(buffer, false, UUID.randomUUID(), 0, 0);
    }

    @Test
    void aHeldChunkThatHoldsABufferIsReleasedWhenTheConnectionEndsOrTheGateOverflows() {
        EmbeddedChannel channel = channel(1 << 20);
        gate(channel).pause();
        EncodedChunkData held = chunk(1000);
        channel.writeAndFlush(held);
        assertThat(held.refCnt()).isEqualTo(1);
        assertThat(gate(channel).heldBytes()).isEqualTo(2 + 28 + 1000);
        channel.close();
        assertThat(held.refCnt()).isZero();

        EmbeddedChannel small = channel(100);
        gate(small).pause();
        EncodedChunkData tooMuch = chunk(1000);
        small.writeAndFlush(tooMuch);
        assertThat(overflows).hasValue(1);
        assertThat(tooMuch.refCnt()).isZero();
    }
}
