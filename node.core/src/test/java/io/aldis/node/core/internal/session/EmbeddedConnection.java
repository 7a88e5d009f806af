package io.aldis.node.core.internal.session;

import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/** What a transport hands the node for a connection, over a test's EmbeddedChannel. */
public record EmbeddedConnection(Channel channel, int maxFrameSize, InetSocketAddress remoteAddress)
        implements TransportConnection {
    @Override
    public String transport() {
        return "embedded";
    }

    @Override
    public String listener() {
        return "test";
    }

    @Override
    public boolean secure() {
        return false;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    public long bytesWritten() {
        return 0;
    }
}
