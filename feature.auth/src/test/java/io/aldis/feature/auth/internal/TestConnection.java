package io.aldis.feature.auth.internal;

import io.aldis.protocol.api.spi.transport.TransportConnection;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;

/** A connection for tests: an embedded channel with a chosen peer address and TLS flag. */
record TestConnection(InetSocketAddress remoteAddress, boolean secure) implements TransportConnection {
    static TestConnection local() {
        return new TestConnection(new InetSocketAddress("127.0.0.1", 40000), false);
    }

    static TestConnection remote(boolean secure) {
        return new TestConnection(new InetSocketAddress("192.0.2.10", 40000), secure);
    }

    @Override
    public Channel channel() {
        return new EmbeddedChannel();
    }

    @Override
    public String transport() {
        return "test";
    }

    @Override
    public String listener() {
        return "test";
    }

    @Override
    public int maxFrameSize() {
        return 65536;
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
