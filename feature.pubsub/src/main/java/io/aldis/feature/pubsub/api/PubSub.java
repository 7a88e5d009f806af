package io.aldis.feature.pubsub.api;

import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's publish/subscribe router, registered as an OSGi service while the pub/sub feature
 * runs. Messages published here reach remote subscribers exactly as if a client had published
 * them; subscriptions made here receive what clients publish. Calls made through this service
 * act for the node itself and are not subject to client permissions or rate limits, except that
 * {@code $sys} subjects stay reserved to the node's own events.
 */
@ProviderType
public interface PubSub {
    /**
     * Publishes a message.
     *
     * @param subject  a concrete subject (no wildcards)
     * @param replyTo  a subject for replies, or the empty string
     * @param headers  headers, may be empty
     * @param payload  the payload
     * @return how many subscriptions it was handed to
     * @throws IllegalArgumentException when the subject is not valid or is reserved
     */
    int publish(String subject, String replyTo, Map<String, String> headers, byte[] payload);

    /**
     * Subscribes inside the node. The listener is called on the publisher's thread and must not
     * block; it should hand the message to its own queue if it has work to do.
     *
     * @param pattern    a subject pattern with optional {@code *} and {@code >} wildcards
     * @param queueGroup a queue group name, or the empty string for none
     * @param listener   receives every matching message
     * @return a handle that ends the subscription when closed
     * @throws IllegalArgumentException when the pattern is not valid
     */
    Subscription subscribe(String pattern, String queueGroup, MessageListener listener);

    /** Receives messages of a subscription made through {@link PubSub}. */
    @FunctionalInterface
    interface MessageListener {
        /** Called once per matching message. */
        void onMessage(PublishedMessage message);
    }

    /** A subscription made through {@link PubSub}. */
    interface Subscription extends AutoCloseable {
        /** Ends the subscription; closing twice does nothing. */
        @Override
        void close();
    }
}
