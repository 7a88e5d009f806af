package io.aldis.spi.transport;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's entry point for transports, registered as an OSGi service by the core. A transport
 * calls {@link #accept} once per new connection, from the connection's event loop, after its own
 * handlers (TLS, framing) are in the pipeline; the node then appends its session handler, which
 * reads and writes {@link io.aldis.protocol.Frame} objects.
 */
@ProviderType
public interface ConnectionAcceptor {
    /** Takes over a new connection. */
    void accept(TransportConnection connection);
}
