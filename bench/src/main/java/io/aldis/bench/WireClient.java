package io.aldis.bench;

import io.aldis.protocol.api.AuthChallenge;
import io.aldis.protocol.api.AuthOk;
import io.aldis.protocol.api.AuthResponse;
import io.aldis.protocol.api.AuthStart;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CloseAck;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.ConnectAck;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
import io.aldis.protocol.api.ProtocolVersion;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.aldis.protocol.api.scram.ScramClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The smallest client that can open a session: CONNECT, then either a resume token or a SCRAM
 * exchange, then CLOSE / CLOSE_ACK. Used where the product client has no knob for what is
 * measured (starting a fresh connection from a token it did not obtain itself), and to show how
 * much of a SCRAM session's cost is the client library's own.
 */
final class WireClient {
    private static final int MAX_FRAME = 1 << 20;

    private final Bootstrap bootstrap;
    private final String user;
    private final char[] password;

    WireClient(EventLoopGroup group, String host, int port, String user, char[] password) {
        this.user = user;
        this.password = password.clone();
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(host, port)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LengthPrefixedFrameDecoder(MAX_FRAME), LengthPrefixedFrameEncoder.INSTANCE);
                    }
                });
    }

    /**
     * One whole session: connect, authenticate (with the token if it is not empty, else SCRAM),
     * close gracefully (a resumed session drops the connection instead, keeping its token). Completes with the resume token the node returned (the given one when
     * resumed) once the socket is closed.
     */
    CompletableFuture<String> session(String resumeToken) {
        return session(resumeToken, false);
    }

    /**
     * A SCRAM session that ends by dropping the connection instead of logging out, so the resume
     * token it completes with stays valid.
     */
    CompletableFuture<String> sessionKeepingToken() {
        return session("", true);
    }

    private CompletableFuture<String> session(String resumeToken, boolean keepToken) {
        CompletableFuture<String> result = new CompletableFuture<>();
        ChannelFuture connect = bootstrap.connect();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            connect.channel().pipeline().addLast(new OneSession(resumeToken, keepToken, result));
        });
        return result;
    }

    /** How one authentication attempt ended, seen by the client. */
    enum Outcome {
        /** AUTH_OK. */
        OK,
        /** The uniform AUTH_FAILED. */
        FAILED,
        /** AUTH_TIMEOUT. */
        TIMED_OUT,
        /** Another ERROR, or the connection closed without an answer. */
        OTHER,
        /** The client closed the connection right after its last message, without waiting. */
        ABANDONED
    }

    /**
     * One SCRAM attempt from a given local address with the given password: completes with the
     * node's verdict, or, with {@code abandon}, as soon as the message that gets the attempt
     * judged is written, closing the connection without waiting for the verdict.
     */
    CompletableFuture<Outcome> attempt(String localAddress, char[] guess, boolean abandon) {
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        ChannelFuture connect = bootstrap.clone().localAddress(localAddress, 0).connect();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            connect.channel().pipeline().addLast(new OneAttempt(guess, abandon, result));
        });
        return result;
    }

    private final class OneAttempt extends SimpleChannelInboundHandler<Object> {
        private final ScramClient scram;
        private final boolean abandon;
        private final CompletableFuture<Outcome> result;

        OneAttempt(char[] guess, boolean abandon, CompletableFuture<Outcome> result) {
            this.scram = new ScramClient(user, guess);
            this.abandon = abandon;
            this.result = result;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new Connect(ProtocolVersion.V1, Capability.RESUME_TOKEN.mask(), UUID.randomUUID(), "",
                    "aldis-bench"));
            ctx.channel().closeFuture().addListener(f -> result.complete(Outcome.OTHER));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ConnectAck) {
                ctx.writeAndFlush(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
            } else if (msg instanceof AuthChallenge challenge) {
                ChannelFuture sent = ctx.writeAndFlush(new AuthResponse(scram.clientFinalMessage(challenge.data())));
                if (abandon) {
                    sent.addListener(f -> {
                        result.complete(Outcome.ABANDONED);
                        ctx.close();
                    });
                }
            } else if (msg instanceof AuthOk) {
                result.complete(Outcome.OK);
                ctx.close();
            } else if (msg instanceof io.aldis.protocol.api.ErrorFrame error) {
                result.complete(switch (error.errorCode()) {
                    case AUTH_FAILED -> Outcome.FAILED;
                    case AUTH_TIMEOUT -> Outcome.TIMED_OUT;
                    default -> Outcome.OTHER;
                });
                ctx.close();
            } else if (msg instanceof Ping ping) {
                ctx.writeAndFlush(new Pong(ping.nonce()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.complete(Outcome.OTHER);
            ctx.close();
        }
    }

    private final class OneSession extends SimpleChannelInboundHandler<Object> {
        private final String token;
        private final boolean keepToken;
        private final CompletableFuture<String> result;
        private ScramClient scram;
        private String issued;
        private boolean closing;

        OneSession(String token, boolean keepToken, CompletableFuture<String> result) {
            this.token = token;
            this.keepToken = keepToken;
            this.result = result;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(new Connect(ProtocolVersion.V1, Capability.RESUME_TOKEN.mask(), UUID.randomUUID(),
                    token, "aldis-bench"));
            ctx.channel().closeFuture().addListener(f -> {
                if (closing && issued != null) {
                    result.complete(issued);
                } else {
                    result.completeExceptionally(new IllegalStateException("connection closed before the session ended"));
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof Ping ping) {
                ctx.writeAndFlush(new Pong(ping.nonce()));
            } else if (msg instanceof ConnectAck ack) {
                if (ack.authenticated()) {
                    // A CLOSE with code 0 is a logout and would revoke the token: a resumed
                    // session ends the way resumption is meant for, with the connection dropped.
                    issued = token;
                    closing = true;
                    ctx.close();
                } else if (!token.isEmpty()) {
                    fail(ctx, "resume token refused");
                } else {
                    scram = new ScramClient(user, password);
                    ctx.writeAndFlush(new AuthStart("SCRAM-SHA-256", scram.clientFirstMessage()));
                }
            } else if (msg instanceof AuthChallenge challenge && scram != null) {
                ctx.writeAndFlush(new AuthResponse(scram.clientFinalMessage(challenge.data())));
            } else if (msg instanceof AuthOk ok && scram != null) {
                scram.verifyServerFinal(ok.data());
                issued = ok.resumeToken();
                if (keepToken) {
                    closing = true;
                    ctx.close();
                } else {
                    close(ctx);
                }
            } else if (msg instanceof CloseAck) {
                ctx.close();
            } else if (msg instanceof Frame frame) {
                fail(ctx, "unexpected " + frame);
            } else {
                fail(ctx, "not a frame: " + msg);
            }
        }

        private void close(ChannelHandlerContext ctx) {
            closing = true;
            ctx.writeAndFlush(new Close(0, "bench"));
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            result.completeExceptionally(new IllegalStateException(why));
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(cause);
            ctx.close();
        }
    }
}
