package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.codec.ConnectionFailure;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The WebSocket side of a connection's life, placed after the message aggregator. It opens the
 * connection to its {@link WsEndpoint} once the handshake is complete, sends WebSocket pings,
 * closes a client that stays silent for the timeout, and makes sure every close of an upgraded
 * connection sends exactly one close frame with a fitting status:
 *
 * <ul>
 *   <li>1002/1007/1009 from Netty's decoder and UTF-8 validator, which write them themselves on a
 *       protocol violation (this handler only notes that a close frame went out);</li>
 *   <li>1009 when {@link MessageSizeGuard} refuses a message from a frame header (after the ERROR
 *       {@code FRAME_TOO_LARGE} the node sends for it), and when Netty's aggregator finds a
 *       fragmented message past the listener's maximum;</li>
 *   <li>the peer's own status echoed when the peer starts the close handshake (Netty);</li>
 *   <li>1001 when the listener stops;</li>
 *   <li>after an ERROR that ends the connection (the node's {@link ConnectionFailure}), a status
 *       that says the same, with the ERROR's message as the reason: {@link #statusAfter};</li>
 *   <li>1000 for every other close (the node ends the session normally, the client timeout).</li>
 * </ul>
 *
 * <p>Netty's decoder writes its close frame (or none, when the peer's own close frame was
 * invalid) straight to the encoder and closes the channel before its exception reaches this
 * handler, so this handler cannot see that close frame go by. It tells such a close apart
 * instead: it happens while bytes are being read but before any decoded frame reaches the
 * {@link WireWatch} placed right behind the decoder. Close frames written by any handler after
 * the decoder pass the watch and are noted there.
 */
final class WsLifecycle extends ChannelDuplexHandler {
    private static final System.Logger LOG = System.getLogger("io.aldis.transport.ws");
    /** The name Netty's handshaker gives the WebSocket frame decoder in the pipeline. */
    static final String WS_DECODER = "wsdecoder";
    /**
     * Pongs a client may leave unread while the connection's buffer is full: a client that reads,
     * however slowly, empties the buffer now and then; one that only pings does not (the same rule
     * as for the protocol's own PINGs, docs/protocol.md 4.6).
     */
    static final int MAX_UNREAD_PONGS = 1024;
    /** A close frame's payload is at most 125 bytes, 2 of them the status. */
    private static final int MAX_REASON_BYTES = 123;

    private final WsConnection connection;
    private final WsEndpoint endpoint;
    private final long pingIntervalMillis;
    private final long clientTimeoutMillis;
    private final BooleanSupplier stopping;
    private final int firstMessageLimit;
    private final String batchSubprotocol;
    private boolean open;
    private boolean closeFrameSent;
    private boolean delivering;
    /** The reason of the 1009 close a refused message asked for, or null. */
    private String tooBig;
    /** The ERROR with which the node ends the connection, or null. */
    private ConnectionFailure failure;
    private ScheduledFuture<?> pings;

    /**
     * @param firstMessageLimit the longest message accepted until the endpoint raises the limit
     *                          with a {@link io.aldis.protocol.api.codec.FrameSizeLimit} event
     * @param batchSubprotocol  the subprotocol whose messages carry length-prefixed frames; empty for none
     */
    WsLifecycle(WsConnection connection, WsEndpoint endpoint, long pingIntervalMillis, long clientTimeoutMillis,
            BooleanSupplier stopping, int firstMessageLimit, String batchSubprotocol) {
        this.firstMessageLimit = firstMessageLimit;
        this.batchSubprotocol = batchSubprotocol;
        this.connection = connection;
        this.endpoint = endpoint;
        this.pingIntervalMillis = pingIntervalMillis;
        this.clientTimeoutMillis = clientTimeoutMillis;
        this.stopping = stopping;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeComplete handshake) {
            open = true;
            if (!batchSubprotocol.isEmpty() && batchSubprotocol.equals(handshake.selectedSubprotocol())) {
                connection.useBatches();
            }
            ctx.pipeline().addAfter(WS_DECODER, "aldis-ws-watch", new WireWatch());
            ctx.pipeline().addBefore(WS_DECODER, "aldis-ws-size", new MessageSizeGuard(firstMessageLimit,
                    connection.maxFrameSize(), connection.batched() ? BatchFrameDecoder.PREFIX : 0,
                    reason -> tooBig = reason));
            if (pingIntervalMillis > 0) {
                pings = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), pingIntervalMillis, pingIntervalMillis,
                        TimeUnit.MILLISECONDS);
            }
            connection.markHandedOver();
            endpoint.open(connection);
            return;
        }
        if (evt instanceof ConnectionFailure ending) {
            failure = ending;
        }
        if (evt instanceof IdleStateEvent) {
            // Only the client-timeout handler at the head of the pipeline fires these this far:
            // nothing at all was read for the timeout, not even a pong.
            LOG.log(System.Logger.Level.DEBUG, () -> "Closing silent WebSocket client " + ctx.channel().remoteAddress());
            close(ctx, WebSocketCloseStatus.NORMAL_CLOSURE.code(),
                    "client timeout: nothing received for " + clientTimeoutMillis + " ms");
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void ping(ChannelHandlerContext ctx) {
        if (!closeFrameSent && ctx.channel().isActive()) {
            ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.copyLong(System.nanoTime())));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            // The decoder or the UTF-8 validator has written its close frame already; Netty closes.
            closeFrameSent = true;
            LOG.log(System.Logger.Level.DEBUG, () -> "WebSocket protocol violation from "
                    + ctx.channel().remoteAddress() + ": " + cause.getMessage());
            return;
        }
        if (cause instanceof TooLongFrameException && open) {
            close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "message larger than "
                    + connection.maxFrameSize() + " bytes");
            return;
        }
        if (open) {
            ctx.fireExceptionCaught(cause); // the node's session decides
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> "Closing WebSocket connection before the upgrade: " + cause);
            ctx.close();
        }
    }

    private void close(ChannelHandlerContext ctx, int status, String reason) {
        if (!open || closeFrameSent) {
            ctx.close();
            return;
        }
        closeFrameSent = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(status, reason)).addListener(f -> ctx.close());
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof CloseWebSocketFrame) {
            closeFrameSent = true;
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        // A close while bytes are read and no frame is being delivered comes from Netty's decoder,
        // which has sent its own close frame; a refused message's close is the guard's instead.
        boolean decoderClosed = connection.reading() && !delivering && tooBig == null;
        if (!open || closeFrameSent || !ctx.channel().isActive() || decoderClosed) {
            super.close(ctx, promise);
            return;
        }
        closeFrameSent = true;
        CloseWebSocketFrame frame;
        if (tooBig != null) {
            frame = new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), tooBig);
        } else if (stopping.getAsBoolean()) {
            frame = new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
        } else if (failure != null) {
            frame = new CloseWebSocketFrame(statusAfter(failure.code()), reason(failure.message()));
        } else {
            frame = new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE);
        }
        if (failure != null && failure.code() == ErrorCode.SLOW_CONSUMER) {
            // The close frame would wait behind what the client does not read: it goes if it can, and
            // the connection closes now rather than when that write completes (never, for a client
            // that has stopped reading).
            ctx.writeAndFlush(frame);
            ctx.close(promise);
            return;
        }
        ctx.writeAndFlush(frame).addListener(f -> ctx.close(promise));
    }

    /**
     * The close status after an ERROR that ends the connection (docs/protocol.md 2.2): the message
     * was too big, the frames broke the protocol, the client broke a policy of the node (it left
     * too much unread), or, for every other code, a normal close whose reason the ERROR gave.
     */
    static int statusAfter(ErrorCode code) {
        return switch (code) {
            case FRAME_TOO_LARGE -> WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
            case MALFORMED_FRAME, PROTOCOL_ERROR, UNEXPECTED_FRAME -> WebSocketCloseStatus.PROTOCOL_ERROR.code();
            case SLOW_CONSUMER -> WebSocketCloseStatus.POLICY_VIOLATION.code();
            default -> WebSocketCloseStatus.NORMAL_CLOSURE.code();
        };
    }

    /** {@code message} cut to the 123 bytes of UTF-8 a close frame's reason may hold, never inside a character. */
    static String reason(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_BYTES) {
            return message;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // bytes[end] continues a character: cut before that character starts
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (pings != null) {
            pings.cancel(false);
        }
        super.channelInactive(ctx);
    }

    /**
     * Sits right behind Netty's WebSocket decoder: sees each decoded frame and each close frame
     * written. It also stops a ping flood before Netty answers it: Netty writes a pong for every
     * ping whether or not the client reads, so a client that pings without reading would make the
     * listener buffer pongs without end.
     */
    private final class WireWatch extends ChannelDuplexHandler {
        /** Pings answered since the connection last had room to write. */
        private int pingsWhileFull;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof PingWebSocketFrame ping && pingFlood(ctx)) {
                ping.release();
                return;
            }
            delivering = true;
            try {
                ctx.fireChannelRead(msg);
            } finally {
                delivering = false;
            }
        }

        /**
         * Whether this ping passes the number of pongs a client may leave unread; if so the
         * connection is closed with 1008 at once, since a client that does not read would never
         * take the close frame out of the buffer.
         */
        private boolean pingFlood(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pingsWhileFull = 0;
                return false;
            }
            if (++pingsWhileFull <= MAX_UNREAD_PONGS) {
                return false;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "Closing WebSocket client " + ctx.channel().remoteAddress()
                    + ": it sends pings without reading the pongs");
            if (!closeFrameSent) {
                closeFrameSent = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION.code(),
                        "more than " + MAX_UNREAD_PONGS + " pongs left unread"));
            }
            ctx.channel().close();
            return true;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable()) {
                pingsWhileFull = 0;
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof CloseWebSocketFrame) {
                closeFrameSent = true;
            }
            ctx.write(msg, promise);
        }
    }
}
