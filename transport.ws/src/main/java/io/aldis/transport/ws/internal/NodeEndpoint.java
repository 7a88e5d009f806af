package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;

/**
 * The endpoint of a node listener: one protocol frame per binary message through
 * {@link WsFrameCodec}, each connection handed to the node, and messages held to the handshake
 * limit of protocol section 2.3 until the node raises it for an authenticated session.
 */
final class NodeEndpoint implements WsEndpoint {
    private final ConnectionAcceptor acceptor;

    NodeEndpoint(ConnectionAcceptor acceptor) {
        this.acceptor = acceptor;
    }

    @Override
    public void open(WsConnection connection) {
        connection.channel().pipeline().addLast("aldis-ws-frames", new WsFrameCodec());
        acceptor.accept(connection);
    }

    @Override
    public int firstMessageLimit(int maxFrameSize) {
        return Math.min(FrameSizeLimit.HANDSHAKE, maxFrameSize);
    }
}
