package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.events.SysEvents;
import io.aldis.feature.pubsub.internal.stats.Counters;
import io.aldis.protocol.api.ErrorCode;

/**
 * Ends a subscription whose subscriber fell too far behind under the {@code disconnect} policy
 * (or a {@code block} subscription that overflowed or held its publishers too long): the
 * subscription goes, the session is closed with {@code SLOW_CONSUMER}, and {@code $sys.error}
 * says why.
 */
public final class SlowConsumers {
    private final Subscriptions table;
    private final Counters counters;
    private final SysEvents events;

    SlowConsumers(Subscriptions table, Counters counters, SysEvents events) {
        this.table = table;
        this.counters = counters;
        this.events = events;
    }

    /** The subscription's queue went over its budget. */
    void disconnect(SessionSubscription sub) {
        disconnect(sub, "exceeded its outbound budget of " + sub.budget + " bytes");
    }

    /** Ends the subscription as a slow consumer: {@code what} it did, in words for the client. */
    void disconnect(SessionSubscription sub, String what) {
        table.drop(sub);
        counters.slowConsumers.increment();
        String message = "slow consumer: subscription " + sub.id + " on '" + sub.pattern + "' " + what + " (policy "
                + sub.policy.wireName() + ")";
        events.error(sub.owner.session, ErrorCode.SLOW_CONSUMER, message);
        sub.owner.session.close(ErrorCode.SLOW_CONSUMER, message);
    }
}
