package io.aldis.transport.ws.internal;

import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;
import io.netty.channel.ChannelPipeline;

/**
 * The endpoint of a node listener: protocol frames in binary messages as the chosen subprotocol
 * says (docs/protocol.md 2.2), each connection handed to the node, and messages held to the
 * handshake limit of protocol section 2.3 until the node raises it for an authenticated session.
 *
 * <p>Under the batched subprotocol the frames travel as on TCP, through the same length-prefixed
 * encoder and decoder, with the encoder in front of the decoder as on TCP, so the node places its
 * flush consolidation between them and a turn's frames leave in one message. Under the
 * one-frame subprotocol {@link WsFrameCodec} makes one message of each frame.
 */
final class NodeEndpoint implements WsEndpoint {
    private final ConnectionAcceptor acceptor;

    NodeEndpoint(ConnectionAcceptor acceptor) {
        this.acceptor = acceptor;
    }

    @Override
    public void open(WsConnection connection) {
        ChannelPipeline pipeline = connection.channel().pipeline();
        if (connection.batched()) {
            pipeline.addLast("aldis-ws-messages", new BatchMessageEncoder(connection.maxFrameSize()));
            pipeline.addLast("aldis-encoder", LengthPrefixedFrameEncoder.INSTANCE);
            pipeline.addLast("aldis-decoder", new BatchFrameDecoder(connection.maxFrameSize(),
                    firstMessageLimit(connection.maxFrameSize())));
        } else {
            pipeline.addLast("aldis-ws-frames", new WsFrameCodec());
        }
        acceptor.accept(connection);
    }

    @Override
    public int firstMessageLimit(int maxFrameSize) {
        return Math.min(FrameSizeLimit.HANDSHAKE, maxFrameSize);
    }
}
