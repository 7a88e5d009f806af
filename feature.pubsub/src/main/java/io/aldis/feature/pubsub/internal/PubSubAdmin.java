package io.aldis.feature.pubsub.internal;

import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.internal.stats.PubSubView;

/** Internal service through which the feature's own shell commands read and use the running feature. */
public interface PubSubAdmin {
    /** What the listings and statistics show. */
    PubSubView view();

    /** Publishes a message as the node; see {@link PubSub#publish}. */
    int publish(String subject, String replyTo, java.util.Map<String, String> headers, byte[] payload);

    /** Subscribes inside the node for a console that prints what arrives; listed as {@code shell tail}. */
    PubSub.Subscription tail(String pattern, PubSub.MessageListener listener);
}
