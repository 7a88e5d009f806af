/**
 * What pub/sub offers a bundle that carries messages between nodes, and what it expects from one.
 * Pub/sub registers {@link io.aldis.feature.pubsub.spi.LocalRouting} while it runs; a bundle that
 * links this node to others registers {@link io.aldis.feature.pubsub.spi.RemoteRoutes}, which pub/sub
 * follows through the whiteboard and asks on every message published on this node. Without a
 * {@code RemoteRoutes} service pub/sub routes on this node alone, exactly as before.
 *
 * <p>Dependencies point one way: the linking bundle imports this package; pub/sub imports nothing
 * of it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.aldis.feature.pubsub.spi;
