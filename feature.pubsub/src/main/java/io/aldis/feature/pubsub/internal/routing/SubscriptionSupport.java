package io.aldis.feature.pubsub.internal.routing;

import io.aldis.feature.pubsub.internal.stats.Counters;

/**
 * What every client subscription needs from the feature around it: the permissions to judge
 * subjects by, the counters to count in, where to turn when its subscriber falls too far behind,
 * and the hand-off of its drains between event loops.
 */
record SubscriptionSupport(Permissions permissions, Counters counters, SlowConsumers slowConsumers,
        DrainHandOffs drains) {
}
