package io.aldis.protocol.api.spi.transport;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import org.osgi.annotation.versioning.ConsumerType;

/** What a transport tells the node about one connection. */
@ConsumerType
public interface TransportConnection {
    /** The channel whose pipeline ends in frames; the node adds its handler at the tail. */
    Channel channel();

    /** The transport's name, such as {@code tcp} or {@code ws}. */
    String transport();

    /** The name of the listener that accepted the connection. */
    String listener();

    /** Whether the connection is protected by TLS. */
    boolean secure();

    /** The largest frame the transport's decoder accepts, in bytes. */
    int maxFrameSize();

    /** Bytes received so far on this connection. */
    long bytesRead();

    /** Bytes sent so far on this connection. */
    long bytesWritten();

    /**
     * When the transport accepted the connection, as a {@link System#nanoTime()} value. The node's
     * auth timeout counts from here, so a transport with a phase of its own before it hands the
     * connection over (such as a WebSocket's HTTP upgrade) must say when that phase began. By
     * default, the moment of the call: right for transports that hand a connection over at once.
     */
    default long acceptedAtNanos() {
        return System.nanoTime();
    }

    /** The peer's address. */
    default InetSocketAddress remoteAddress() {
        return (InetSocketAddress) channel().remoteAddress();
    }

    /** Whether the peer is on this host (a loopback address). */
    default boolean loopback() {
        InetSocketAddress remote = remoteAddress();
        return remote != null && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
    }
}
