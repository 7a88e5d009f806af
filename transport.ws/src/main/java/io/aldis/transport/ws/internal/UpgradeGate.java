package io.aldis.transport.ws.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * Stands between the HTTP decoder and the WebSocket handshake. A GET that asks to upgrade on the
 * listener's path goes on to the handshake if its Origin is allowed (else 403) and it offers one
 * of the Aldis subprotocols, batched or not (else 400); the gate then leaves the pipeline.
 * Anything else is answered here and the connection closed: 426 for the path without an upgrade,
 * the {@link PlainHttp} answer or 404 for other paths, 400 for undecodable HTTP, 503 when the
 * listener is full.
 */
final class UpgradeGate extends ChannelInboundHandlerAdapter {
    private final String path;
    private final String subprotocol;
    private final String batchSubprotocol;
    private final OriginPolicy origins;
    private final PlainHttp plainHttp;
    private final boolean secure;
    private final String refusal;
    private boolean answered;

    /**
     * @param refusal when not null, every request is answered 503 with this text (the listener is
     *        at its connection limit)
     */
    UpgradeGate(WsSettings settings, boolean secure, PlainHttp plainHttp, String refusal) {
        this.path = settings.path();
        this.subprotocol = settings.subprotocol();
        this.batchSubprotocol = settings.batchSubprotocol();
        this.origins = new OriginPolicy(settings.allowedOrigins());
        this.plainHttp = plainHttp;
        this.secure = secure;
        this.refusal = refusal;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            // Only the HTTP aggregator is in front of the gate, so this is a stray object; drop it.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (answered) {
            request.release(); // a pipelined request after an answer: the connection is closing
            return;
        }
        try {
            route(ctx, request);
        } finally {
            request.release();
        }
    }

    private void route(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            answer(ctx, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            return;
        }
        if (refusal != null) {
            answer(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, refusal);
            return;
        }
        String requestPath = new QueryStringDecoder(request.uri()).path();
        boolean upgrade = request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
        if (!requestPath.equals(path)) {
            FullHttpResponse response = plainHttp.respond(request);
            if (response != null) {
                send(ctx, response);
            } else {
                answer(ctx, HttpResponseStatus.NOT_FOUND, "no resource at " + requestPath
                        + "; the WebSocket endpoint is " + path);
            }
            return;
        }
        if (!upgrade || !HttpMethod.GET.equals(request.method())) {
            FullHttpResponse response = text(HttpResponseStatus.UPGRADE_REQUIRED,
                    "this is a WebSocket endpoint: send a GET with Upgrade: websocket and the subprotocol "
                            + (subprotocol.isEmpty() ? "of your choice" : batchSubprotocol + " or " + subprotocol));
            response.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
            response.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, "13");
            send(ctx, response);
            return;
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (!origins.allows(origin, request.headers().get(HttpHeaderNames.HOST), secure)) {
            answer(ctx, HttpResponseStatus.FORBIDDEN, "origin " + origin + " is not allowed");
            return;
        }
        if (!subprotocol.isEmpty() && !offers(request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL))) {
            answer(ctx, HttpResponseStatus.BAD_REQUEST, "the WebSocket subprotocol " + batchSubprotocol + " or "
                    + subprotocol + " is required (Sec-WebSocket-Protocol)");
            return;
        }
        ctx.fireChannelRead(request.retain());
        ctx.pipeline().remove(this);
    }

    private boolean offers(Iterable<String> headerValues) {
        for (String value : headerValues) {
            for (String token : value.split(",")) {
                String offered = token.trim();
                if (offered.equals(subprotocol) || offered.equals(batchSubprotocol)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        ByteBuf content = ByteBufUtil.writeUtf8(UnpooledByteBufAllocator.DEFAULT, body + "\n");
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
        send(ctx, text(status, body));
    }

    private void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        answered = true;
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, false);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
