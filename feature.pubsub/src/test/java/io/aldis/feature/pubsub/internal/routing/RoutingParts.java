package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.events.SysEvents;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.feature.pubsub.internal.stats.Topics;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The routing classes wired together as the engine wires them, with the $sys events recorded. */
final class RoutingParts {
    final Counters counters = new Counters();
    final Permissions permissions = new Permissions();
    final List<String> events = new CopyOnWriteArrayList<>();
    final SysEvents sysEvents = new SysEvents(() -> true, counters, new SysEvents.Sink() {
        @Override
        public boolean hasSubscribers(String subject) {
            return true;
        }

        @Override
        public void publish(String subject, byte[] body) {
            events.add(subject);
        }
    });
    volatile PubSubSettings settings = PubSubSettings.defaults();
    final Subscriptions table = new Subscriptions(permissions, sysEvents, bucket -> bucket);
    final Topics topics = new Topics();
    final Router router = new Router(table, topics, counters);
    final SubscriptionRequests requests = new SubscriptionRequests(table, permissions, counters, sysEvents,
            () -> settings);
}
