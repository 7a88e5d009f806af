/**
 * Transport SPI: a transport bundle accepts sockets, frames bytes into {@link io.aldis.protocol.Frame}
 * objects and hands each connection to the node's {@link io.aldis.spi.transport.ConnectionAcceptor}.
 * The node never knows which transport a connection came from beyond what
 * {@link io.aldis.spi.transport.TransportConnection} says.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.aldis.spi.transport;
