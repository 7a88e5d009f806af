/**
 * Publish/subscribe and typed messages as other bundles see them: register a
 * {@link io.aldis.feature.pubsub.api.MessageHandler} to serve a message type to remote clients, or use
 * the {@link io.aldis.feature.pubsub.api.PubSub} service to publish on subjects and subscribe to them
 * from inside the node.
 *
 * <p>Subjects are dot-separated tokens such as {@code orders.eu.created}. A subscription
 * pattern may use {@code *} for exactly one token and {@code >} (last token only) for one or
 * more remaining tokens. Subjects starting with {@code $sys.} carry the node's system events.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.aldis.feature.pubsub.api;
