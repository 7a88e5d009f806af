package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.feature.pubsub.internal.events.SysEvents;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.feature.pubsub.internal.util.Json;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.QuotedText;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.SlowConsumerPolicy;
import io.aldis.protocol.api.Subscribe;
import io.aldis.protocol.api.Unsubscribe;
import io.aldis.protocol.api.spi.auth.AuthenticatedUser;
import io.aldis.protocol.api.spi.node.Session;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * SUBSCRIBE and UNSUBSCRIBE of clients (docs/protocol.md 6.2): each SUBSCRIBE judged against the
 * settings and permissions in force, answered with its ACK or ERROR, and kept in the session (under
 * {@value #KEPT}) so that it outlives a swap of this feature; {@link #restore} sets the kept ones
 * up again when the feature returns.
 */
public final class SubscriptionRequests {
    /** Code points of a refused subject quoted back in an error's details. */
    private static final int QUOTED_SUBJECT = 256;
    /** Under this capability name sessions keep their SUBSCRIBEs across a swap of this feature. */
    public static final String KEPT = "pubsub";
    private static final int MIN_BUDGET_BYTES = 1024;
    private static final int MAX_QUEUE_GROUP_LENGTH = 128;

    private final Subscriptions table;
    private final Permissions permissions;
    private final Counters counters;
    private final ErrorReplies errors;
    private final Supplier<PubSubSettings> settings;
    private final SubscriptionSupport support;

    public SubscriptionRequests(Subscriptions table, Permissions permissions, Counters counters, SysEvents events,
            Supplier<PubSubSettings> settings) {
        this.table = table;
        this.permissions = permissions;
        this.counters = counters;
        this.errors = new ErrorReplies(table, events);
        this.settings = settings;
        this.support = new SubscriptionSupport(permissions, counters, new SlowConsumers(table, counters, events),
                new DrainHandOffs());
    }

    /** Handles a SUBSCRIBE, answering it with ACK or ERROR. */
    public void subscribe(Session session, Subscribe f) {
        subscribe(session, f, false);
    }

    /**
     * Sets up the subscriptions a session kept while this feature was away (it was updated,
     * refreshed or reinstalled): each as its SUBSCRIBE did, with the checks of today, but without
     * a second ACK. One that no longer passes is answered with its ERROR and forgotten.
     */
    public void restore(Session session) {
        for (Map.Entry<String, Frame> kept : session.kept(KEPT).entrySet()) {
            Subscriber current = table.existing(session);
            if (kept.getValue() instanceof Subscribe f && current != null
                    && current.subscriptions.containsKey(f.subscriptionId())) {
                continue; // told twice (the session opened as the feature came): it is there already
            }
            if (!(kept.getValue() instanceof Subscribe f) || !subscribe(session, f, true)) {
                session.forget(KEPT, kept.getKey());
            }
        }
    }

    /** Handles an UNSUBSCRIBE; ending a subscription that does not exist (any more) succeeds too. */
    public void unsubscribe(Session session, Unsubscribe f) {
        Subscriber subscriber = table.existing(session);
        SessionSubscription sub = subscriber == null ? null : subscriber.subscriptions.get(f.subscriptionId());
        if (sub != null) {
            table.remove(sub);
        }
        session.forget(KEPT, keyOf(f.subscriptionId()));
        session.send(new Ack(f.subscriptionId(), sub == null ? "{\"existed\":false}" : ""));
    }

    /** Whether the subscription now exists. */
    /**
     * The refused subject as an error's details quote it: on one line and short, so that a client
     * sending long subjects is not answered with as many bytes again.
     */
    private static String quoted(String pattern) {
        return QuotedText.of(pattern, QUOTED_SUBJECT);
    }

    private boolean subscribe(Session session, Subscribe f, boolean restoring) {
        PubSubSettings s = settings.get();
        long id = f.subscriptionId();
        String pattern = f.subject();
        if (id == 0) {
            counters.invalid.increment();
            errors.send(session, 0, ErrorCode.MALFORMED_FRAME, "subscription id 0 is reserved", Map.of("subject", quoted(pattern)));
            return false;
        }
        String why = checkNames(f, s);
        if (why != null) {
            counters.invalid.increment();
            errors.send(session, id, ErrorCode.INVALID_SUBJECT, why, Map.of("subject", quoted(pattern)));
            return false;
        }
        SubscriptionOptions options;
        SlowConsumerPolicy policy;
        try {
            options = SubscriptionOptions.parse(f.options());
            policy = policyAsked(options, s);
        } catch (IllegalArgumentException e) {
            // The frame itself was well-formed (its json field is the feature's to check, 3.1):
            // a rule of SUBSCRIBE was broken, and the connection stays.
            counters.invalid.increment();
            errors.send(session, id, ErrorCode.PROTOCOL_ERROR, e.getMessage(), Map.of("subject", pattern));
            return false;
        }
        AuthenticatedUser user = session.user();
        // Pausing publishers is a permission. Like reading, a wildcard pattern that is not granted
        // as a whole is judged subject by subject: at the first publisher it would pause (see
        // SessionSubscription.offer).
        boolean blockAll = policy == SlowConsumerPolicy.BLOCK && permissions.mayBlockAll(user, pattern);
        if (policy == SlowConsumerPolicy.BLOCK && !blockAll
                && (options.policy() == null || !Subjects.hasWildcard(pattern) || Subjects.isSystem(pattern))) {
            if (options.policy() != null) {
                forbidden(session, id, "user '" + user.name() + "' may not pause other publishers: the policy 'block'"
                        + " needs the pubsub permission 'block'", Map.of("subject", pattern, "policy", policy.wireName()));
                return false;
            }
            // Only the operator's default asked for it: this user's subscription disconnects
            // instead, which the ACK says.
            policy = SlowConsumerPolicy.DISCONNECT;
        }
        if (!s.allowedPolicies().contains(policy)) {
            forbidden(session, id, "the operator does not allow the policy '" + policy.wireName() + "'",
                    Map.of("subject", pattern, "policy", policy.wireName()));
            return false;
        }
        boolean readsAll = permissions.permitsAll(user, pattern, "subscribe");
        if (!readsAll && (!Subjects.hasWildcard(pattern) || Subjects.isSystem(pattern))) {
            forbidden(session, id, "user '" + user.name() + "' may not subscribe to '" + pattern + "'",
                    Map.of("subject", pattern));
            return false;
        }
        Subscriber subscriber = table.subscriber(session);
        if (!subscriber.subscriptions.containsKey(id) && subscriber.subscriptions.size() >= s.maxSubscriptionsPerSession()) {
            counters.subscriptionLimit.increment();
            errors.send(session, id, ErrorCode.SUBSCRIPTION_LIMIT,
                    "a session may hold at most " + s.maxSubscriptionsPerSession() + " subscriptions",
                    Map.of("subject", pattern, "maxSubscriptions", s.maxSubscriptionsPerSession()));
            return false;
        }
        int budget = budget(options, s);
        SessionSubscription sub = new SessionSubscription(support, subscriber, id, pattern, f.queueGroup(), policy,
                budget, s.blockOverflowBytes(), s.blockMaxHoldMillis());
        sub.unrestricted = readsAll;
        sub.blockUnrestricted = blockAll;
        // The same id again replaces the subscription, so a client that re-subscribes after a
        // reconnect or a retry never ends up with duplicates.
        table.add(sub);
        session.keep(KEPT, keyOf(id), f);
        if (!restoring) {
            session.send(new Ack(id, Json.string(ackFields(policy, budget))));
        }
        table.announce(sub);
        return true;
    }

    /** The ACK's fields in the order docs/protocol.md shows them; Map.of would change it from one JVM to the next. */
    private static Map<String, Object> ackFields(SlowConsumerPolicy policy, int budget) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(Subscribe.OPTION_POLICY, policy.wireName());
        fields.put(Subscribe.OPTION_BUDGET_BYTES, budget);
        return fields;
    }

    /** What is wrong with the pattern or the queue group name, or {@code null}. */
    private static String checkNames(Subscribe f, PubSubSettings s) {
        String why = Subjects.checkPattern(f.subject(), s.maxSubjectLength(), s.maxSubjectDepth());
        if (why == null && !f.queueGroup().isEmpty()) {
            why = Subjects.checkSubject(f.queueGroup(), MAX_QUEUE_GROUP_LENGTH, 1);
            why = why == null ? null : "queue group name: " + why;
        }
        return why;
    }

    private static SlowConsumerPolicy policyAsked(SubscriptionOptions options, PubSubSettings s) {
        if (options.policy() == null) {
            return s.defaultPolicy();
        }
        SlowConsumerPolicy policy = SlowConsumerPolicy.ofWireName(options.policy());
        if (policy == null) {
            throw new IllegalArgumentException("unknown policy '" + options.policy() + "'; use one of "
                    + String.join(", ", Arrays.stream(SlowConsumerPolicy.values()).map(SlowConsumerPolicy::wireName)
                            .toList()));
        }
        return policy;
    }

    /** The budget asked for, or the default, within the node's range. */
    private static int budget(SubscriptionOptions options, PubSubSettings s) {
        long asked = options.budgetBytes() < 0 ? s.defaultBudgetBytes() : options.budgetBytes();
        return (int) Math.max(MIN_BUDGET_BYTES, Math.min(asked, s.maxBudgetBytes()));
    }

    private void forbidden(Session session, long id, String message, Map<String, ?> details) {
        counters.forbidden.increment();
        errors.send(session, id, ErrorCode.FORBIDDEN, message, details);
    }

    private static String keyOf(long subscriptionId) {
        return "subscription." + Long.toUnsignedString(subscriptionId);
    }
}
