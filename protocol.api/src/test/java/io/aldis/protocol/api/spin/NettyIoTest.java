package io.aldis.protocol.api.spin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The choice of transport, and a real socket pair on each transport this machine has. */
class NettyIoTest {

    @Test
    void autoTakesEpollExactlyWhenItLoads() {
        NettyIo expected = NettyIo.nativeUnavailable() == null ? NettyIo.EPOLL : NettyIo.NIO;
        assertThat(NettyIo.choose("auto")).isEqualTo(expected);
        assertThat(NettyIo.choose(" AUTO ")).isEqualTo(expected);
    }

    @Test
    void nioIsAlwaysThere() {
        assertThat(NettyIo.choose("nio")).isEqualTo(NettyIo.NIO);
        assertThat(NettyIo.NIO.label()).isEqualTo("nio");
    }

    @Test
    void epollWhereItCannotLoadSaysWhy() {
        Throwable cause = NettyIo.nativeUnavailable();
        if (cause == null) {
            assertThat(NettyIo.choose("epoll")).isEqualTo(NettyIo.EPOLL);
        } else {
            assertThatThrownBy(() -> NettyIo.choose("epoll"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("aldis.io=epoll, but Netty's native epoll transport cannot be used here: ");
        }
    }

    @Test
    void anUnknownNameIsRefusedInOneLine() {
        assertThatThrownBy(() -> NettyIo.choose("kqueue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("aldis.io must be auto, epoll or nio, not 'kqueue'");
    }

    @ParameterizedTest
    @EnumSource(NettyIo.class)
    void aClientAndAServerOfTheTransportExchangeBytes(NettyIo io) throws Exception {
        assumeTrue(io == NettyIo.NIO || NettyIo.nativeUnavailable() == null, "epoll does not load here");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                io.handlerFactory(SpinningSelectStrategy.factory(() -> TimeUnit.MICROSECONDS.toNanos(50))));
        try {
            Channel server = new ServerBootstrap().group(group).channel(io.serverChannel())
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg); // echo
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(io.socketChannel())
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                private final StringBuilder received = new StringBuilder();

                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf buf = (ByteBuf) msg;
                                    received.append(buf.toString(StandardCharsets.US_ASCII));
                                    buf.release();
                                    if (received.length() >= 4) {
                                        echoed.complete(received.toString());
                                    }
                                }
                            });
                        }
                    })
                    .connect(server.localAddress()).sync().channel();
            assertThat(client.getClass().getSimpleName()).startsWithIgnoringCase(io.label());
            client.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
            assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
