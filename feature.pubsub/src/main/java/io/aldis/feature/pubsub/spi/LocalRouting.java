package io.aldis.feature.pubsub.spi;

import io.aldis.feature.pubsub.api.PublishedMessage;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * This node's subscriptions as another node needs them: what they are interested in, and a way
 * to hand them a message that was published elsewhere. Registered by pub/sub while it runs.
 */
@ProviderType
public interface LocalRouting {
    /**
     * A number that changes whenever the subscriptions of this node may have changed; read it
     * before {@link #interest()} and ask again when it moved.
     */
    long interestVersion();

    /**
     * The patterns and queue groups subscribed on this node, except those of the node's own
     * {@code $sys} subjects, which stay on the node.
     */
    Set<Interest> interest();

    /** Whether a pattern matches a concrete subject, by pub/sub's own rules. */
    boolean matches(String pattern, String subject);

    /**
     * Delivers a message published on another node to this node's subscriptions: to every
     * matching subscription without a queue group, and to one member of each named queue group.
     * The message is not offered to any other node again. Never blocks.
     *
     * @param message     the message
     * @param queueGroups the queue groups this node serves for this message (possibly empty)
     * @return how many subscriptions took it
     */
    int deliver(PublishedMessage message, Set<String> queueGroups);
}
