/**
 * Transport SPI: a transport bundle accepts sockets, frames bytes into {@link io.aldis.protocol.api.Frame}
 * objects and hands each connection to the node's {@link io.aldis.protocol.api.spi.transport.ConnectionAcceptor}.
 * The node never knows which transport a connection came from beyond what
 * {@link io.aldis.protocol.api.spi.transport.TransportConnection} says.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.0.0")
package io.aldis.protocol.api.spi.transport;
