/**
 * TLS for transports: the TLS settings every listener configuration carries, and the one place
 * that turns them into a server {@link io.netty.handler.ssl.SslContext}, so TCP and WebSocket
 * listeners protect their connections the same way.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.aldis.protocol.api.spi.transport.tls;
