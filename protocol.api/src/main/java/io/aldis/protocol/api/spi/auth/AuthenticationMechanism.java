package io.aldis.protocol.api.spi.auth;

import io.aldis.protocol.api.spi.transport.TransportConnection;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An authentication mechanism, registered as an OSGi service. The node offers every registered
 * mechanism whose {@link #allowedOn} accepts the connection, and lists them in CONNECT_ACK.
 */
@ConsumerType
public interface AuthenticationMechanism {
    /** The mechanism name clients put in AUTH_START, such as {@code SCRAM-SHA-256}. */
    String name();

    /**
     * Whether the mechanism may be used on this connection; a mechanism that sees the password
     * in clear accepts only TLS or loopback connections.
     */
    default boolean allowedOn(TransportConnection connection) {
        return true;
    }

    /** Begins one authentication attempt on a connection. */
    AuthenticationExchange start(TransportConnection connection);
}
