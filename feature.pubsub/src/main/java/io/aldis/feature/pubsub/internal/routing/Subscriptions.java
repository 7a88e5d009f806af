package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.api.PubSub;
import io.aldis.feature.pubsub.internal.events.SysEvents;
import io.aldis.protocol.api.SlowConsumerPolicy;
import io.aldis.protocol.api.spi.limits.TokenBucket;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.node.SessionState;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Who is subscribed to what: every subscription in a {@link SubjectTrie}, and per session a
 * {@link Subscriber} with that session's subscriptions. Adding and removing a subscription here
 * keeps both in step and announces it on {@code $sys.subscription.*}.
 */
public final class Subscriptions {
    private final SubjectTrie<BaseSubscription> trie = new SubjectTrie<>();
    private final Map<UUID, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final Permissions permissions;
    private final SysEvents events;
    /** Gives a new session's subscriber its rate-limit bucket (or none). */
    private final UnaryOperator<TokenBucket> bucketFor;

    public Subscriptions(Permissions permissions, SysEvents events, UnaryOperator<TokenBucket> bucketFor) {
        this.permissions = permissions;
        this.events = events;
        this.bucketFor = bucketFor;
    }

    /** The session's subscriber, made on first use; nothing is kept for a session that already ended. */
    public Subscriber subscriber(Session session) {
        Subscriber s = subscribers.get(session.id());
        if (s != null) {
            return s;
        }
        s = new Subscriber(permissions, session);
        Subscriber raced = subscribers.putIfAbsent(session.id(), s);
        if (raced != null) {
            s.close();
            return raced;
        }
        s.bucket = bucketFor.apply(null);
        if (session.state() == SessionState.CLOSED) {
            // The session ended while this frame was on its way; do not keep anything for it.
            sessionClosed(session);
        }
        return s;
    }

    /** The session's subscriber if it has one. */
    public Subscriber existing(Session session) {
        return subscribers.get(session.id());
    }

    /** Every session's subscriber. */
    public Collection<Subscriber> subscribers() {
        return subscribers.values();
    }

    /** Adds a client's subscription, replacing the one with the same id; {@link #announce} tells of it. */
    void add(SessionSubscription sub) {
        SessionSubscription old = sub.owner.subscriptions.get(sub.id);
        if (old != null) {
            remove(old);
        }
        sub.owner.subscriptions.put(sub.id, sub);
        trie.add(sub);
    }

    /** Announces a subscription that was added, once its client had its answer. */
    void announce(SessionSubscription sub) {
        events.publish("subscription.created", describe(sub));
    }

    /** Ends a client's subscription and announces it. */
    void remove(SessionSubscription sub) {
        drop(sub);
        events.publish("subscription.removed", describe(sub));
    }

    /** Ends a client's subscription without a word: its session is being closed for it. */
    void drop(SessionSubscription sub) {
        if (sub.owner.subscriptions.remove(sub.id, sub)) {
            trie.remove(sub);
        }
        sub.close();
    }

    /** A subscription inside the node. */
    public LocalSubscription addLocal(String pattern, String queueGroup, PubSub.MessageListener listener, String label) {
        LocalSubscription sub = new LocalSubscription(this, permissions, pattern, queueGroup, listener, label);
        trie.add(sub);
        return sub;
    }

    void removeLocal(LocalSubscription sub) {
        trie.remove(sub);
    }

    /** Forgets everything of a session that ended, and stops it from holding other sessions' publishers. */
    public void sessionClosed(Session session) {
        Subscriber subscriber = subscribers.remove(session.id());
        if (subscriber == null) {
            return;
        }
        subscriber.close();
        for (SessionSubscription sub : subscriber.subscriptions.values()) {
            remove(sub);
        }
        for (Subscriber other : subscribers.values()) {
            for (SessionSubscription sub : other.subscriptions.values()) {
                sub.forget(subscriber);
            }
        }
    }

    /** Judges every subscription again under the authorizer now in force. */
    public void reauthorize() {
        for (BaseSubscription s : trie.all()) {
            s.authorize();
            if (s instanceof SessionSubscription sub && sub.policy == SlowConsumerPolicy.BLOCK) {
                sub.blockUnrestricted = sub.user != null && permissions.mayBlockAll(sub.user, sub.pattern);
            }
        }
    }

    /** Gives every subscriber the bucket of the rate limits now in force. */
    public void rebucket() {
        for (Subscriber s : subscribers.values()) {
            s.bucket = bucketFor.apply(s.bucket);
        }
    }

    /** The subscriptions a subject reaches. */
    SubjectTrie.Match<BaseSubscription> match(String subject) {
        return trie.match(subject);
    }

    /** Whether a match is still what {@link #match} would answer. */
    boolean isCurrent(SubjectTrie.Match<BaseSubscription> match) {
        return trie.isCurrent(match);
    }

    /** How many subscriptions a subject reaches. */
    public int reach(String subject) {
        return trie.match(subject).size();
    }

    /** Every subscription. */
    public List<BaseSubscription> all() {
        return trie.all();
    }

    /** A number that moves whenever a subscription is added or removed. */
    public long generation() {
        return trie.generation();
    }

    /** How many subscriptions there are. */
    public int size() {
        return trie.size();
    }

    /** Ends every session's subscriptions, for the feature's stop. */
    public void close() {
        for (Subscriber s : subscribers.values()) {
            for (SessionSubscription sub : s.subscriptions.values()) {
                sub.close();
            }
            s.close();
        }
        subscribers.clear();
    }

    /** The fields of {@code $sys.subscription.created} and {@code .removed}. */
    private static Map<String, Object> describe(SessionSubscription sub) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sessionId", sub.owner.session.id().toString());
        m.put("user", sub.user == null ? null : sub.user.name());
        m.put("subscriptionId", sub.id);
        m.put("subject", sub.pattern);
        m.put("queueGroup", sub.queueGroup);
        m.put("policy", sub.policy.wireName());
        m.put("budgetBytes", sub.budget);
        return m;
    }
}
