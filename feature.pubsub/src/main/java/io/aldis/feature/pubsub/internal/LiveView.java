package io.aldis.feature.pubsub.internal;

import io.aldis.feature.pubsub.internal.messages.MessageRouter;
import io.aldis.feature.pubsub.internal.routing.Listings;
import io.aldis.feature.pubsub.internal.routing.Subscriptions;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.feature.pubsub.internal.stats.PubSubView;
import io.aldis.feature.pubsub.internal.stats.TopicStats;
import io.aldis.feature.pubsub.internal.stats.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@link PubSubView} of a running engine, read afresh on every call. */
final class LiveView implements PubSubView {
    private final Subscriptions subscriptions;
    private final Listings listings;
    private final Topics topics;
    private final Counters counters;
    private final MessageRouter messages;
    private final Instant startedAt;

    LiveView(Subscriptions subscriptions, Topics topics, Counters counters, MessageRouter messages, Instant startedAt) {
        this.subscriptions = subscriptions;
        this.listings = new Listings(subscriptions);
        this.topics = topics;
        this.counters = counters;
        this.messages = messages;
        this.startedAt = startedAt;
    }

    @Override
    public List<SubscriptionView> subscriptions() {
        return listings.subscriptions();
    }

    @Override
    public List<TopicView> topics() {
        List<TopicView> out = new ArrayList<>();
        for (TopicStats t : topics.all()) {
            out.add(new TopicView(t.subject(), t.messages(), t.bytes(), t.rate(), subscriptions.reach(t.subject())));
        }
        return out;
    }

    @Override
    public List<SessionView> sessions() {
        return listings.sessions();
    }

    @Override
    public List<TypeView> messageTypes() {
        return messages.typeViews();
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = new LinkedHashMap<>(counters.snapshot());
        m.put("sessions", (long) subscriptions.subscribers().size());
        m.put("subscriptions", (long) subscriptions.size());
        m.put("topics", (long) topics.size());
        m.put("messageTypes", (long) messages.types().size());
        m.put("uptimeSeconds", Duration.between(startedAt, Instant.now()).getSeconds());
        return m;
    }
}
