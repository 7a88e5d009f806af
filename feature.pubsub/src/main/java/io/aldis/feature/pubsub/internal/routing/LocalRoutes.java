package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.feature.pubsub.spi.Interest;
import io.aldis.feature.pubsub.spi.LocalRouting;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;

/** This node's subscriptions as the link to other nodes sees them ({@link LocalRouting}). */
public final class LocalRoutes implements LocalRouting {
    private final Subscriptions subscriptions;
    private final Router router;

    public LocalRoutes(Subscriptions subscriptions, Router router) {
        this.subscriptions = subscriptions;
        this.router = router;
    }

    @Override
    public long interestVersion() {
        return subscriptions.generation();
    }

    @Override
    public Set<Interest> interest() {
        Set<Interest> out = new HashSet<>();
        for (BaseSubscription s : subscriptions.all()) {
            // $sys events are this node's own: they never come from another node.
            if (!s.closed && !Subjects.isSystem(s.pattern)) {
                out.add(new Interest(s.pattern, s.queueGroup));
            }
        }
        return out;
    }

    @Override
    public boolean matches(String pattern, String subject) {
        return Subjects.matches(pattern, subject);
    }

    @Override
    public int deliver(PublishedMessage message, Set<String> queueGroups) {
        if (Subjects.isSystem(message.subject())) {
            // No node announces $sys interest, so none is sent here: one that comes is not a peer's to give.
            return 0;
        }
        Delivery d = new Delivery(message.subject(), message.replyTo(), new LinkedHashMap<>(message.headers()),
                message.payload());
        return router.routeFromPeer(d, queueGroups);
    }
}
