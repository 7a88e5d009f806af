package io.aldis.protocol.api.spi.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ListenerConnectionTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ListenerConnection connection = new ListenerConnection(channel, "tcp", "edge", true, 4096);

    {
        channel.pipeline().addLast(NettyListener.BYTES, connection);
    }

    @Test
    void countsTheBytesThatCrossTheSocketAndPassEverythingOnUnchanged() {
        ByteBuf in = Unpooled.wrappedBuffer(new byte[10]);
        channel.writeInbound(in, "not bytes", Unpooled.wrappedBuffer(new byte[5]));
        channel.writeOutbound(Unpooled.wrappedBuffer(new byte[7]), "not bytes either");

        assertThat(connection.bytesRead()).isEqualTo(15);
        assertThat(connection.bytesWritten()).isEqualTo(7);
        assertThat((Object) channel.readInbound()).isSameAs(in);
        assertThat((Object) channel.readInbound()).isEqualTo("not bytes");
        assertThat(channel.finishAndReleaseAll()).isTrue();
    }

    @Test
    void tellsTheNodeWhatTheListenerKnows() {
        assertThat(connection.channel()).isSameAs(channel);
        assertThat(connection.transport()).isEqualTo("tcp");
        assertThat(connection.listener()).isEqualTo("edge");
        assertThat(connection.secure()).isTrue();
        assertThat(connection.maxFrameSize()).isEqualTo(4096);
        assertThat(connection.acceptedAtNanos()).isLessThanOrEqualTo(System.nanoTime());
    }

    @Test
    void isHandedOverOnlyOnceMarked() {
        assertThat(connection.handedOver()).isFalse();
        connection.markHandedOver();
        assertThat(connection.handedOver()).isTrue();
    }
}
