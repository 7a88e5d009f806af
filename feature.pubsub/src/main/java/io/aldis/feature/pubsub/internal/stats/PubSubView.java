package io.aldis.feature.pubsub.internal.stats;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the pub/sub feature shows its operators: the shell commands and the MBean read this, and
 * nothing else of the feature, so that they need not change when the engine does.
 */
public interface PubSubView {
    /** One subscription as listings show it; {@code policy} is {@code local} for one inside the node. */
    record SubscriptionView(String owner, long id, String pattern, String queueGroup, String policy,
            long budgetBytes, long pendingBytes, long maxPendingBytes, int pausedPublishers, long delivered,
            long dropped) {
    }

    /** One subject as listings show it. */
    record TopicView(String subject, long messages, long bytes, double ratePerSecond, int subscribers) {
    }

    /** One session's pub/sub counters. */
    record SessionView(UUID sessionId, String user, int subscriptions, long published, long delivered,
            long dropped, long rateLimited, long errors, long pendingBytes) {
    }

    /** Which handler serves a typed-message type, and how many handlers want it. */
    record TypeView(String type, String handler, int ranking, int contenders) {
    }

    /** Every subscription, of clients and inside the node. */
    List<SubscriptionView> subscriptions();

    /** Every subject tracked. */
    List<TopicView> topics();

    /** Every session the feature holds something for. */
    List<SessionView> sessions();

    /** Every typed-message type served, by type. */
    List<TypeView> messageTypes();

    /** Every counter, plus the current number of sessions, subscriptions, subjects and message types. */
    Map<String, Long> counters();
}
