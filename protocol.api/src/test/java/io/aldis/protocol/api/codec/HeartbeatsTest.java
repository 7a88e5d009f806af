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
}
