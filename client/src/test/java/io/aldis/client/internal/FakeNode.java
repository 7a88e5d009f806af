package io.aldis.client.internal;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal node on loopback for the client's own tests: PLAIN against one user, resume tokens,
 * answers every request with ACK, and lets the test cut connections. Not the real node.
 */
final class FakeNode implements AutoCloseable {
    final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
    final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    final AtomicInteger connects = new AtomicInteger();
    volatile String password = "pencil";
    /** What CONNECT_ACK offers. */
    volatile long capabilities = Capability.maskOf(EnumSet.of(Capability.MESSAGES, Capability.RESUME_TOKEN));
    private final AtomicInteger tokens = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private Channel server;
    private int port;

    FakeNode start() throws InterruptedException {
        return start(0);
    }

    FakeNode start(int onPort) throws InterruptedException {
        return start(onPort, null);
    }

    FakeNode start(int onPort, SslContext tls) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new LengthPrefixedFrameDecoder(1 << 20),
                                LengthPrefixedFrameEncoder.INSTANCE, new Session());
                    }
                }).bind("127.0.0.1", onPort).sync().channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
        return this;
    }

    int port() {
        return port;
    }

    /** Stops listening; existing connections stay. */
    void stopListening() throws InterruptedException {
        server.close().sync();
    }

    /** Cuts every connection without CLOSE, like a network failure. */
    void dropAll() throws InterruptedException {
        clients.close().sync();
    }

    /** Sends a frame to every connection. */
    void broadcast(Frame frame) throws InterruptedException {
        clients.writeAndFlush(frame).sync();
    }

    /** Sends frames to every connection in one write, so that a client reads them together. */
    void broadcastTogether(Frame... frames) throws InterruptedException {
        io.netty.channel.group.ChannelGroupFuture last = null;
        for (Frame frame : frames) {
            last = clients.write(frame);
        }
        clients.flush();
        if (last != null) {
            last.sync();
        }
    }

    /** Sends CLOSE to every connection. */
    void closeAll(ErrorCode code, String message) {
        clients.writeAndFlush(new Close(code.code(), message));
    }

    <T extends Frame> T await(Class<T> type) throws InterruptedException {
        while (true) {
            Frame f = received.poll(10, TimeUnit.SECONDS);
            if (f == null) {
                throw new AssertionError("the node did not receive a " + type.getSimpleName());
            }
            if (type.isInstance(f)) {
                return type.cast(f);
            }
        }
    }

    @Override
    public void close() {
        clients.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Session extends SimpleChannelInboundHandler<Frame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            received.add(frame);
            if (frame instanceof Connect connect) {
                connects.incrementAndGet();
                boolean resumed = validTokens.contains(connect.resumeToken());
                ctx.writeAndFlush(new ConnectAck(resumed ? ConnectAck.FLAG_AUTHENTICATED : 0, ProtocolVersion.V1,
                        capabilities,
                        UUID.randomUUID(), 1 << 20, 30_000, 1L << 30, 64 * 1024, List.of("SCRAM-SHA-256", "PLAIN"),
                        "fake"));
            } else if (frame instanceof AuthStart start) {
                String expected = "\0alice\0" + password;
                if (start.mechanism().equals("PLAIN")
                        && new String(start.data(), StandardCharsets.UTF_8).equals(expected)) {
                    String token = "token-" + tokens.incrementAndGet();
                    validTokens.add(token);
                    ctx.writeAndFlush(new AuthOk("alice", token, System.currentTimeMillis() + 60_000, new byte[0]));
                } else {
                    ctx.writeAndFlush(ErrorFrame.of(0, ErrorCode.AUTH_FAILED, "authentication failed"))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (frame instanceof Close) {
                ctx.writeAndFlush(CloseAck.INSTANCE).addListener(ChannelFutureListener.CLOSE);
            } else if (frame instanceof Ack ack && ack.requestId() != 0) {
                ctx.writeAndFlush(ack.json().equals("fail") ? ErrorFrame.of(ack.requestId(), ErrorCode.FORBIDDEN, "no")
                        : new Ack(ack.requestId(), "answer"));
            }
        }
    }
}
