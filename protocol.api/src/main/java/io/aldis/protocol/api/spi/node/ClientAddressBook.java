package io.aldis.protocol.api.spi.node;

import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where clients reach the nodes of the cluster this node belongs to (docs/protocol.md 5.3,
 * NODE_ADDRESSES). A feature that links nodes into a cluster registers one as an OSGi service; the
 * node then offers the capability {@code NODE_ADDRESSES} and tells every client that announced it
 * the addresses, right after the client authenticated and again after each {@linkplain #onChange
 * change}. Without a book the node offers nothing of the kind.
 *
 * <p>Each address is a URI whose scheme names the transport: {@code tcp://host:port},
 * {@code tcps://host:port} (TCP with TLS), {@code ws://host:port/path}, {@code wss://host:port/path}.
 */
@ConsumerType
public interface ClientAddressBook {
    /**
     * The addresses right now, this node's own first, at most
     * {@link io.aldis.protocol.api.NodeAddresses#MAX_ADDRESSES} of them. Called on a connection's
     * event loop: it answers from what the book holds and never waits on the network.
     */
    List<String> clientAddresses();

    /**
     * Runs {@code listener} whenever {@link #clientAddresses()} may have changed, on a thread of
     * the book's; closing the returned handle stops it.
     */
    AutoCloseable onChange(Runnable listener);
}
