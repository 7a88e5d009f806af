package io.aldis.transport.ws.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * The WebSocket listener's own pipeline with an echo endpoint in place of the node, for
 * Autobahn|Testsuite (profile {@code autobahn}): every complete text or binary message is sent
 * back as it came. Only what a conformance run needs differs from a node listener: the path is
 * {@code /}, no subprotocol is required, any Origin is accepted, messages may reach 32 MiB (cases 9.1 and 9.2
 * send up to 16 MiB), and server pings are off because the suite does not expect them.
 */
public final class AutobahnEchoServer {
    static final int MAX_MESSAGE = 32 * 1024 * 1024;

    private AutobahnEchoServer() {
    }

    /** Starts an echo listener; {@code args[0]} is the port. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9001;
        start(port);
    }

    static WsServer start(int port) throws Exception {
        WsSettings settings = WsSettings.plain("autobahn", port)
                .withPath("/") // the fuzzing client connects to ws://<host>:<port> with no path
                .withSubprotocol("")
                .withAllowedOrigins(List.of("*"))
                .withLimits(100, MAX_MESSAGE)
                .withHeartbeat(0, 0);
        WsServer server = new WsServer(settings,
                connection -> connection.channel().pipeline().addLast("echo", new Echo()), PlainHttp.NONE);
        server.start();
        return server;
    }

    /** Sends each complete message back. */
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
