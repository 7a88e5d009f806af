package io.aldis.feature.pubsub.internal.stats;

import java.util.Map;

/**
 * JMX view of the pub/sub feature ({@code io.aldis:type=feature,name=pubsub}): the counters
 * {@code aldis:stats} prints, and the listings of the shell commands as text lines.
 */
public interface PubSubMXBean {
    /** Every counter and gauge by name. */
    Map<String, Long> getCounters();

    long getPublished();

    long getDelivered();

    long getDropped();

    long getRateLimited();

    long getSlowConsumers();

    long getSubscriptions();

    long getSessions();

    long getMessages();

    /** One line per subscription: owner, id, pattern, queue group, policy, budget, pending, delivered, dropped. */
    String[] listSubscriptions();

    /** One line per session: id, user, subscriptions, published, delivered, dropped, rate-limited, errors. */
    String[] listSessions();

    /** One line per subject: messages, bytes, rate per second, subscribers. */
    String[] listTopics();
}
