package io.aldis.feature.metrics.internal.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
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
import java.nio.charset.StandardCharsets;

/**
 * Answers one HTTP request: {@code GET} (or {@code HEAD}) of the figures' path gets them, any
 * other path 404 and any other method 405. A request the codec could not read gets 400 and the
 * connection is closed.
 */
final class ScrapeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String path;
    private final Exposition exposition;

    ScrapeHandler(String path, Exposition exposition) {
        this.path = path;
        this.exposition = exposition;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            answer(ctx, false, plain(HttpResponseStatus.BAD_REQUEST, "Bad request"), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!HttpMethod.GET.equals(request.method()) && !head) {
            FullHttpResponse response = plain(HttpResponseStatus.METHOD_NOT_ALLOWED, "Only GET and HEAD are served");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            answer(ctx, keepAlive, response, head);
            return;
        }
        if (!path.equals(new QueryStringDecoder(request.uri()).path())) {
            answer(ctx, keepAlive, plain(HttpResponseStatus.NOT_FOUND, "The figures are at " + path), head);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(exposition.scrape()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, exposition.contentType());
        answer(ctx, keepAlive, response, head);
    }

    private static FullHttpResponse plain(HttpResponseStatus status, String text) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return response;
    }

    /** Sends a response; HEAD gets the headers of the body it would have had, and no body. */
    private static void answer(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response, boolean head) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (head) {
            response.content().clear();
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
