package io.aldis.protocol.api.spi.transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's entry point for transports, registered as an OSGi service by the core. A transport
 * calls {@link #accept} once per new connection, from the connection's event loop, after its own
 * handlers (TLS, framing) are in the pipeline; the node then appends its session handler, which
 * reads and writes {@link io.aldis.protocol.api.Frame} objects.
 */
@ProviderType
public interface ConnectionAcceptor {
    /** Takes over a new connection. */
    void accept(TransportConnection connection);

    /**
     * How long a connection may take from the transport's accept until it is authenticated, in
     * milliseconds; 0 for no limit. A transport with a phase of its own before {@link #accept}
     * (such as a WebSocket's HTTP upgrade) closes a connection still in that phase when this
     * passes; after {@link #accept} the node enforces the rest, counting from
     * {@link TransportConnection#acceptedAtNanos()}.
     */
    default long authTimeoutMillis() {
        return 0;
    }
}
