package io.aldis.bench;

import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Deliver;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Pause;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.Publish;
import io.aldis.protocol.api.Resume;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.codec.FrameCodec;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.aldis.protocol.api.scram.ScramClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A minimal authenticated session for the pub/sub benchmarks, over TCP or WebSocket: Netty, the
 * frame codec and the SCRAM client of protocol.api, nothing else. Publishes are written in batches
 * with one flush per batch (as the NATS Java client does with its writer), so the figures it gives
 * show what the node can do apart from the product client's per-message costs.
 */
final class WireSession implements AutoCloseable {
    private static final int MAX_FRAME = 1 << 20;
    /** The length prefix in front of each frame, on TCP and in a batched WebSocket message. */
    private static final int PREFIX = 4;

    private final Channel channel;
    private final Handler handler;

    private WireSession(Channel channel, Handler handler) {
        this.channel = channel;
        this.handler = handler;
        // The node closes a session it has heard nothing from for two heartbeat intervals; a
        // subscriber only reads, so it pings on its own (the node's interval here is 10 s).
        var ping = channel.eventLoop().scheduleAtFixedRate(
                () -> channel.writeAndFlush(new Ping(System.nanoTime())), 4, 4, TimeUnit.SECONDS);
        channel.closeFuture().addListener(f -> ping.cancel(false));
    }

    /** Opens a session over TCP. */
    static WireSession tcp(EventLoopGroup group, int port, String user, char[] password) throws Exception {
        Handler h = new Handler(user, password);
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new LengthPrefixedFrameDecoder(MAX_FRAME), LengthPrefixedFrameEncoder.INSTANCE, h);
                    }
                }).connect("127.0.0.1", port).sync().channel();
        ch.writeAndFlush(h.connectFrame());
        h.opened.get(30, TimeUnit.SECONDS);
        return new WireSession(ch, h);
    }

    /**
     * Opens a session over WebSocket (path {@code /aldis}). With {@code batched}, under the
     * subprotocol {@code aldis.v1.batch}: frames behind length prefixes, what one flush writes in
     * one message, as over TCP; otherwise under {@code aldis.v1}, one frame per message
     * (docs/protocol.md 2.2).
     */
    static WireSession ws(EventLoopGroup group, int port, String user, char[] password, boolean batched)
            throws Exception {
        Handler h = new Handler(user, password);
        URI uri = URI.create("ws://127.0.0.1:" + port + "/aldis");
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(uri, WebSocketVersion.V13,
                                        batched ? "aldis.v1.batch" : "aldis.v1", false, new DefaultHttpHeaders(),
                                        MAX_FRAME + PREFIX));
                        if (batched) {
                            c.pipeline().addLast(new BatchedMessages(), new LengthPrefixedFrameDecoder(MAX_FRAME),
                                    LengthPrefixedFrameEncoder.INSTANCE, h);
                        } else {
                            c.pipeline().addLast(new WsFrames(), h);
                        }
                    }
                }).connect("127.0.0.1", port).sync().channel();
        h.wsUpgrade = true;
        h.opened.get(30, TimeUnit.SECONDS);
        return new WireSession(ch, h);
    }

    /** Subscribes and waits for the node's ACK; every DELIVER of the subscription goes to {@code onDeliver}. */
    void subscribe(long id, String pattern, String options, Consumer<Deliver> onDeliver) throws Exception {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        handler.pendingSub = acked;
        handler.onDeliver = onDeliver;
        channel.writeAndFlush(new Subscribe(id, pattern, "", options));
        acked.get(30, TimeUnit.SECONDS);
    }

    /**
     * Writes {@code count} publishes on {@code subjects[(from + i) % subjects.length]} with one flush,
     * on the channel's event loop.
     */
    void publishBatch(String[] subjects, long from, byte[] payload, int count) {
        channel.eventLoop().execute(() -> {
            for (int i = 0; i < count; i++) {
                String subject = subjects[(int) ((from + i) % subjects.length)];
                channel.write(new Publish(subject, "", Map.of(), payload), channel.voidPromise());
            }
            channel.flush();
        });
    }

    /** How many PAUSE frames the node sent. */
    long pauses() {
        return handler.pauses.get();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * Binary messages of {@code aldis.v1.batch} to and from the length-prefixed byte stream of the
     * TCP codecs: the node never lets a frame span two messages, and the encoder's batches (one per
     * flush, at most about 32 KiB of small frames) stay within a message's limit.
     */
    private static final class BatchedMessages extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
        @Override
        protected void encode(ChannelHandlerContext ctx, ByteBuf frames, List<Object> out) {
            out.add(new BinaryWebSocketFrame(frames.retain()));
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) {
            out.add(msg.content().retain());
        }
    }

    /** Frames to and from binary WebSocket messages, one frame per message. */
    private static final class WsFrames extends MessageToMessageCodec<WebSocketFrame, Frame> {
        @Override
        protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
            ByteBuf buf = ctx.alloc().buffer();
            FrameCodec.encode(frame, buf);
            out.add(new BinaryWebSocketFrame(buf));
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, WebSocketFrame msg, List<Object> out) {
            out.add(FrameCodec.decode(msg.content()));
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<Frame> {
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        final AtomicLong pauses = new AtomicLong();
        private final String user;
        private final char[] password;
        private ScramClient scram;
        volatile boolean wsUpgrade;
        volatile CompletableFuture<Void> pendingSub;
        volatile Consumer<Deliver> onDeliver = d -> { };

        Handler(String user, char[] password) {
            this.user = user;
            this.password = password.clone();
        }

        Connect connectFrame() {
            long caps = Capability.PUBSUB.mask() | Capability.MESSAGES.mask() | Capability.RESUME_TOKEN.mask()
                    | Capability.FLOW_CONTROL.mask();
            return new Connect(ProtocolVersion.V1, caps, UUID.randomUUID(), "", "aldis-bench");
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.writeAndFlush(connectFrame());
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame msg) throws Exception {
            if (msg instanceof Deliver d) {
                onDeliver.accept(d);
            } else if (msg instanceof Ping ping) {
                ctx.writeAndFlush(new Pong(ping.nonce()));
            } else if (msg instanceof ConnectAck) {
                scram = new ScramClient(user, password);
                ctx.writeAndFlush(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
            } else if (msg instanceof AuthChallenge challenge) {
                ctx.writeAndFlush(new AuthResponse(scram.clientFinalMessage(challenge.data())));
            } else if (msg instanceof AuthOk ok) {
                scram.verifyServerFinal(ok.data());
                opened.complete(null);
            } else if (msg instanceof Ack) {
                CompletableFuture<Void> p = pendingSub;
                if (p != null) {
                    p.complete(null);
                }
            } else if (msg instanceof Pause) {
                pauses.incrementAndGet();
            } else if (msg instanceof Resume) {
                // nothing to do: the benchmark's own window keeps publishers in check
            } else if (msg instanceof ErrorFrame e) {
                System.out.println("[wire] node error: " + e);
                CompletableFuture<Void> p = pendingSub;
                if (p != null) {
                    p.completeExceptionally(new IllegalStateException(e.toString()));
                }
                opened.completeExceptionally(new IllegalStateException(e.toString()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            opened.completeExceptionally(cause);
            System.out.println("[wire] " + cause);
            ctx.close();
        }
    }
}
