package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.spi.transport.internal.ListenerConnection;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;

/**
 * A WebSocket connection as the node sees it; its byte counters include the HTTP handshake and
 * the WebSocket framing. It also tells {@link WsLifecycle} when the event loop is processing bytes
 * just read, which is when Netty's WebSocket decoder closes a connection on its own, and whether
 * the handshake chose the batched subprotocol.
 */
final class WsConnection extends ListenerConnection {
    private boolean reading;
    private volatile boolean batched;

    WsConnection(Channel channel, String listener, boolean secure, int maxFrameSize) {
        super(channel, "ws", listener, secure, maxFrameSize);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        reading = true;
        try {
            super.channelRead(ctx, msg);
        } finally {
            reading = false;
        }
    }

    /**
     * Whether the event loop is inside the processing of bytes just read, which is when Netty's
     * WebSocket decoder reacts to a protocol violation. Only meaningful on the event loop.
     */
    boolean reading() {
        return reading;
    }

    /** Notes that the handshake chose the batched subprotocol; set before the endpoint opens. */
    void useBatches() {
        batched = true;
    }

    /**
     * Whether messages carry one or more length-prefixed frames (the batched subprotocol) rather
     * than one frame each (docs/protocol.md 2.2).
     */
    boolean batched() {
        return batched;
    }
}
