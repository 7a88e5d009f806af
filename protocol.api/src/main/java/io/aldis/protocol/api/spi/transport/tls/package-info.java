/**
 * TLS for transports: the TLS settings every listener configuration carries, and the one place
 * that turns them into a server {@link io.netty.handler.ssl.SslContext}, so TCP and WebSocket
 * listeners protect their connections the same way, and the contexts of mutual TLS between peers
 * ({@link io.aldis.protocol.api.spi.transport.tls.MutualTls}, since 1.1.0), such as the links
 * between the members of a cluster.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.aldis.protocol.api.spi.transport.tls;
