package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.feature.pubsub.internal.stats.Topics;
import java.util.List;

/**
 * Hands a published message to every subscription its subject matches and to one member of each
 * matching queue group, taking turns among the members.
 */
public final class Router {
    private final Subscriptions table;
    private final Topics topics;
    private final Counters counters;

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
        return offer(d, from, match);
    }

    /** Routes one of the node's own events, which no statistics of subjects count. */
    public int routeEvent(Delivery d) {
        counters.published.increment();
        counters.publishedBytes.add(d.payload.length);
        return offer(d, null, table.match(d.subject));
    }

    /** Whether any subscription matches a subject. */
    public boolean hasSubscribers(String subject) {
        return !table.match(subject).isEmpty();
    }

    private static int offer(Delivery d, Subscriber from, SubjectTrie.Match<BaseSubscription> match) {
        int n = 0;
        for (BaseSubscription s : match.plain) {
            if (s.offer(d, from)) {
                n++;
            }
        }
        for (SubjectTrie.Group<BaseSubscription> g : match.groups) {
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
