package io.aldis.transport.tcp.internal;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.codec.FrameSizeLimit;
import io.aldis.protocol.api.codec.LengthPrefixedFrameDecoder;
import io.aldis.protocol.api.codec.LengthPrefixedFrameEncoder;
import io.aldis.protocol.api.spi.transport.ConnectionAcceptor;
import io.aldis.protocol.api.spi.transport.internal.ListenerConnection;
import io.aldis.protocol.api.spi.transport.internal.NettyListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;

/**
 * A TCP listener: frames the byte stream with a 4-byte length prefix (optionally inside TLS) and
 * hands every connection to the node as soon as it is accepted. Binding, rebinding, limits and
 * TLS are the shared {@link NettyListener}'s.
 */
public final class TcpServer extends NettyListener<TcpSettings, ListenerConnection> {
    private static final System.Logger LOG = System.getLogger("io.aldis.transport.tcp");

    private final ConnectionAcceptor acceptor;

    public TcpServer(TcpSettings settings, ConnectionAcceptor acceptor) {
        super("tcp", "TCP", LOG, settings, acceptor::authTimeoutMillis);
        this.acceptor = acceptor;
    }

    @Override
    protected ListenerConnection newConnection(Channel channel, TcpSettings settings, boolean secure) {
        return new ListenerConnection(channel, "tcp", settings.name(), secure, settings.maxFrameSize());
    }

    @Override
    protected void addHandlers(ChannelPipeline pipeline, ListenerConnection connection, TcpSettings settings) {
        // Encoder first: the node puts its per-read handlers between the two (see Node.accept).
        pipeline.addLast("aldis-encoder", LengthPrefixedFrameEncoder.INSTANCE);
        // Until the node authenticates the session, frames are held to the handshake limit (section 2.3).
        pipeline.addLast("aldis-decoder", new LengthPrefixedFrameDecoder(settings.maxFrameSize(),
                FrameSizeLimit.HANDSHAKE));
    }

    @Override
    protected void refuse(ListenerConnection connection, TcpSettings settings, String reason) {
        connection.channel().writeAndFlush(ErrorFrame.of(0, ErrorCode.TOO_MANY_CONNECTIONS, reason))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    protected void open(ListenerConnection connection, TcpSettings settings) {
        connection.markHandedOver();
        acceptor.accept(connection);
    }
}
