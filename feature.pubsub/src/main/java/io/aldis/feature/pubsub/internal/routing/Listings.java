package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.stats.PubSubView.SessionView;
import io.aldis.feature.pubsub.internal.stats.PubSubView.SubscriptionView;
import java.util.ArrayList;
import java.util.List;

/** The subscriptions and sessions of a {@link Subscriptions} as operators' listings show them. */
public final class Listings {
    private final Subscriptions table;

    public Listings(Subscriptions table) {
        this.table = table;
    }

    /** Every subscription, of clients and inside the node. */
    public List<SubscriptionView> subscriptions() {
        List<SubscriptionView> out = new ArrayList<>();
        for (BaseSubscription s : table.all()) {
            if (s instanceof SessionSubscription ss) {
                out.add(new SubscriptionView(ss.owner(), ss.id, ss.pattern, ss.queueGroup, ss.policy.wireName(),
                        ss.budget, ss.pendingBytes(), ss.maxPendingBytes(), ss.heldPublishers(), ss.delivered.sum(),
                        ss.dropped.sum()));
            } else {
                out.add(new SubscriptionView(s.owner(), 0, s.pattern, s.queueGroup, "local", 0, 0, 0, 0,
                        s.delivered.sum(), s.dropped.sum()));
            }
        }
        return out;
    }

    /** Every session the feature holds something for, with its counters. */
    public List<SessionView> sessions() {
        List<SessionView> out = new ArrayList<>();
        for (Subscriber s : table.subscribers()) {
            long pending = 0;
            for (SessionSubscription sub : s.backlog) {
                pending += sub.pendingBytes();
            }
            out.add(new SessionView(s.session.id(), s.session.user() == null ? "-" : s.session.user().name(),
                    s.subscriptions.size(), s.published.sum(), s.delivered.sum(), s.dropped.sum(), s.rateLimited.sum(),
                    s.errors.sum(), pending));
        }
        return out;
    }
}
