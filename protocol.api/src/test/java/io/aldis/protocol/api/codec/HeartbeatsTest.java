package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {
    private final List<IdleState> events = new ArrayList<>();

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(new Heartbeats(2_000, 0), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof IdleStateEvent idle) {
                    events.add(idle.state());
                }
            }
        });
        return channel;
    }

    private static void advance(EmbeddedChannel channel, long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void aSilentPeerIsReportedAfterTheReaderTime() {
        EmbeddedChannel channel = channel();
        advance(channel, 1_500);
        channel.writeInbound("frame");
        channel.readInbound();
        advance(channel, 1_500);
        assertThat(events).as("input 1.5 s ago").isEmpty();
        advance(channel, 600);
        assertThat(events).containsExactly(IdleState.READER_IDLE);
        channel.finishAndReleaseAll();
    }

    @Test
    void silenceWhileThisSideSuspendedReadingDoesNotCount() {
        EmbeddedChannel channel = channel();
        channel.config().setAutoRead(false);
        advance(channel, 10_000);
        assertThat(events).as("reading suspended by us for 10 s").isEmpty();
        channel.config().setAutoRead(true);
        advance(channel, 1_500);
        assertThat(events).as("reading resumed 1.5 s ago").isEmpty();
        advance(channel, 2_100);
        assertThat(events).containsExactly(IdleState.READER_IDLE);
        channel.finishAndReleaseAll();
    }

    @Test
    void aWriterEventComesNoEarlierThanTheWriterTimeAndAtMostOneStepOfTheGridLater() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.freezeTime();
        List<Long> at = new ArrayList<>();
        channel.pipeline().addLast(new Heartbeats(0, 3_200), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.WRITER_IDLE) {
                    at.add(ctx.executor().ticker().nanoTime());
                }
            }
        });
        long start = channel.eventLoop().ticker().nanoTime();
        for (int i = 0; i < 400; i++) {
            advance(channel, 10);
        }
        long step = TimeUnit.MILLISECONDS.toNanos(3_200) / Heartbeats.GRID_STEPS;
        assertThat(at).hasSize(1);
        assertThat(at.get(0) - start).isBetween(TimeUnit.MILLISECONDS.toNanos(3_200),
                TimeUnit.MILLISECONDS.toNanos(3_200) + step + TimeUnit.MILLISECONDS.toNanos(10));
        channel.finishAndReleaseAll();
    }

    @Test
    void checksFallOnTheGridOfTheirLoopSoThatIdleConnectionsAreCheckedTogether() {
        long step = 312_500_000L;
        Object loop = new Object();
        long phase = Heartbeats.phaseOf(loop, step);
        assertThat(phase).isBetween(0L, step - 1);
        assertThat(Heartbeats.phaseOf(loop, step)).as("one phase per loop").isEqualTo(phase);
        for (long due : new long[] {0, 1, step - 1, step, 7 * step + 3, 123_456_789_012L, -5}) {
            long point = Heartbeats.onGrid(due, step, phase);
            assertThat(point).as("due %d", due).isGreaterThanOrEqualTo(due).isLessThan(due + step);
            assertThat(Math.floorMod(point - phase, step)).isZero();
        }
        // Connections whose checks fall due within one step of each other wait for the same point.
        long first = Heartbeats.onGrid(10 * step + phase + 1, step, phase);
        long second = Heartbeats.onGrid(11 * step + phase - 1, step, phase);
        assertThat(second).isEqualTo(first);
    }
}
