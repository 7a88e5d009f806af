package io.aldis.transport.ws.internal;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * What a listener answers to HTTP requests that are not a WebSocket upgrade on its path, such
 * as a page served at {@code GET /}. The listener closes the connection after the answer.
 */
@FunctionalInterface
interface PlainHttp {
    /** Answers nothing, so every such request gets 404 (426 on the WebSocket path itself). */
    PlainHttp NONE = request -> null;

    /**
     * The response to a request, or null to let the listener answer 404. The request is released
     * by the caller afterwards; the response must not share its buffers.
     */
    FullHttpResponse respond(FullHttpRequest request);
}
