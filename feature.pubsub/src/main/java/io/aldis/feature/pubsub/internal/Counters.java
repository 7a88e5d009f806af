package io.aldis.feature.pubsub.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The feature's counters since it started, shown by {@code aldis:stats} and over JMX. */
final class Counters {
    final LongAdder published = new LongAdder();
    final LongAdder publishedBytes = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder deliveredBytes = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder noResponders = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder forbidden = new LongAdder();
    final LongAdder invalid = new LongAdder();
    final LongAdder tooLarge = new LongAdder();
    final LongAdder subscriptionLimit = new LongAdder();
    final LongAdder slowConsumers = new LongAdder();
    final LongAdder publishersPaused = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder messageReplies = new LongAdder();
    final LongAdder messageErrors = new LongAdder();
    final LongAdder noHandler = new LongAdder();
    final LongAdder sysEvents = new LongAdder();

    /** Every counter by name, in a stable order. */
    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("published", published.sum());
        m.put("publishedBytes", publishedBytes.sum());
        m.put("delivered", delivered.sum());
        m.put("deliveredBytes", deliveredBytes.sum());
        m.put("dropped", dropped.sum());
        m.put("noResponders", noResponders.sum());
        m.put("rateLimited", rateLimited.sum());
        m.put("forbidden", forbidden.sum());
        m.put("invalid", invalid.sum());
        m.put("tooLarge", tooLarge.sum());
        m.put("subscriptionLimit", subscriptionLimit.sum());
        m.put("slowConsumers", slowConsumers.sum());
        m.put("publishersPaused", publishersPaused.sum());
        m.put("messages", messages.sum());
        m.put("messageReplies", messageReplies.sum());
        m.put("messageErrors", messageErrors.sum());
        m.put("noHandler", noHandler.sum());
        m.put("sysEvents", sysEvents.sum());
        return m;
    }
}
