package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.api.PublishedMessage;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.feature.pubsub.internal.stats.Topics;
import io.aldis.feature.pubsub.spi.RemoteRoutes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Hands a published message to every subscription its subject matches and to one member of each
 * matching queue group, taking turns among the members. When other nodes are linked
 * ({@link #remoteRoutes}), a message published here is offered to them first, and a queue group
 * that has members elsewhere too gets the message on the one node the link chooses.
 */
public final class Router {
    private final Subscriptions table;
    private final Topics topics;
    private final Counters counters;
    /** The link to other nodes, or {@code null} while this node is alone. */
    private volatile RemoteRoutes remote;

    public Router(Subscriptions table, Topics topics, Counters counters) {
        this.table = table;
        this.topics = topics;
        this.counters = counters;
    }

    /**
     * Routes one message and counts it on its subject.
     *
     * @param from the publishing session, or {@code null} for the node
     * @return how many subscriptions took it
     */
    public int route(Delivery d, Subscriber from) {
        counters.published.increment();
        counters.publishedBytes.add(d.payload.length);
        SubjectTrie.Match<BaseSubscription> match;
        if (from == null) {
            topics.count(d.subject, d.payload.length);
            match = table.match(d.subject);
        } else {
            // A session publishing on the subject it published on last reuses that route: no
            // lookup of the subject's statistics or of its cached match while both still hold.
            Subscriber.Route last = from.lastRoute;
            if (last == null || last.subject() != d.subject || !table.isCurrent(last.match())
                    || last.topic() == null || last.topic().retired()) {
                last = new Subscriber.Route(d.subject, topics.topic(d.subject), table.match(d.subject));
                from.lastRoute = last;
            }
            match = last.match();
            if (last.topic() != null) {
                last.topic().count(d.payload.length);
            }
        }
        RemoteRoutes link = remote;
        if (link == null) {
            return offer(d, from, match, null);
        }
        RemoteRoutes.Forwarded forwarded = link.forward(
                new PublishedMessage(d.subject, d.replyTo, d.headers, d.payload), groupNames(match));
        return offer(d, from, match, forwarded.localQueueGroups()) + forwarded.nodes();
    }

    /**
     * Routes a message that was published on another node: to the plain subscriptions and to the
     * named queue groups only, and to no other node again.
     */
    public int routeFromPeer(Delivery d, Set<String> queueGroups) {
        counters.published.increment();
        counters.publishedBytes.add(d.payload.length);
        topics.count(d.subject, d.payload.length);
        return offer(d, null, table.match(d.subject), queueGroups);
    }

    /** Uses a link to other nodes, or none ({@code null}). */
    public void remoteRoutes(RemoteRoutes link) {
        remote = link;
    }

    /** The link to other nodes in use, or {@code null}. */
    public RemoteRoutes remoteRoutes() {
        return remote;
    }

    private static Set<String> groupNames(SubjectTrie.Match<BaseSubscription> match) {
        if (match.groups.isEmpty()) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (SubjectTrie.Group<BaseSubscription> g : match.groups) {
            names.add(g.name);
        }
        return names;
    }

    /** Routes one of the node's own events, which no statistics of subjects count. */
    public int routeEvent(Delivery d) {
        counters.published.increment();
        counters.publishedBytes.add(d.payload.length);
        return offer(d, null, table.match(d.subject), null);
    }

    /** Whether any subscription matches a subject. */
    public boolean hasSubscribers(String subject) {
        return !table.match(subject).isEmpty();
    }

    /** Offers to the plain subscriptions and to the queue groups served here ({@code null}: all). */
    private static int offer(Delivery d, Subscriber from, SubjectTrie.Match<BaseSubscription> match,
            Set<String> servedGroups) {
        int n = 0;
        for (BaseSubscription s : match.plain) {
            if (s.offer(d, from)) {
                n++;
            }
        }
        for (SubjectTrie.Group<BaseSubscription> g : match.groups) {
            if (servedGroups != null && !servedGroups.contains(g.name)) {
                continue;
            }
            List<BaseSubscription> members = g.members;
            int start = g.nextStart();
            for (int k = 0; k < members.size(); k++) {
                if (members.get((start + k) % members.size()).offer(d, from)) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
