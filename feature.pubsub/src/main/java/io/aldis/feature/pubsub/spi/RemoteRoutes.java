package io.aldis.feature.pubsub.spi;

import io.aldis.feature.pubsub.api.PublishedMessage;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Carries messages published on this node to the other nodes that want them. Registered by a
 * bundle that links nodes; pub/sub uses the one with the highest ranking.
 */
@ConsumerType
public interface RemoteRoutes {
    /**
     * Offers a message published on this node (by a client or through the {@code PubSub} service)
     * to the other nodes, and decides which node serves each queue group that matches it. Called
     * on the publisher's thread before local delivery: it must not block.
     *
     * @param message          the message
     * @param localQueueGroups the queue groups with a member on this node that match the subject
     * @return what was sent, and which of {@code localQueueGroups} this node still serves
     */
    Forwarded forward(PublishedMessage message, Set<String> localQueueGroups);

    /**
     * The outcome of {@link #forward}.
     *
     * @param nodes            how many other nodes the message was sent to
     * @param localQueueGroups the queue groups this node delivers to; the others went elsewhere
     */
    record Forwarded(int nodes, Set<String> localQueueGroups) {
        public Forwarded {
            localQueueGroups = Set.copyOf(localQueueGroups);
        }
    }
}
