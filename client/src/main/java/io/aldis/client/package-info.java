/**
 * Java client for an Aldis node: connect, authenticate, keep the connection alive with
 * heartbeats, honour the node's PAUSE/RESUME, close gracefully and reconnect after a loss; call
 * remote methods directly or through typed proxies, provide services, publish and subscribe,
 * request/reply, and typed messages; streaming calls whose items flow under credit
 * ({@link io.aldis.client.AldisClient#callStream}). Start with {@link io.aldis.client.AldisClient#builder()}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.7.0")
package io.aldis.client;
