package io.aldis.client;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the messages of a subscription. Called on the client's callback thread, one message at
 * a time in the order the node delivered them; a handler that blocks delays the client's other
 * callbacks, so hand long work to an executor.
 */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {
    void onMessage(Delivery delivery);
}
