package io.aldis.feature.pubsub.internal.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The feature's counters since it started, shown by {@code aldis:stats} and over JMX. */
public final class Counters {
    public final LongAdder published = new LongAdder();
    public final LongAdder publishedBytes = new LongAdder();
    public final LongAdder delivered = new LongAdder();
    public final LongAdder deliveredBytes = new LongAdder();
    public final LongAdder dropped = new LongAdder();
    public final LongAdder noResponders = new LongAdder();
    public final LongAdder rateLimited = new LongAdder();
    public final LongAdder forbidden = new LongAdder();
    public final LongAdder invalid = new LongAdder();
    public final LongAdder tooLarge = new LongAdder();
    public final LongAdder subscriptionLimit = new LongAdder();
    public final LongAdder slowConsumers = new LongAdder();
    public final LongAdder publishersPaused = new LongAdder();
    public final LongAdder messages = new LongAdder();
    public final LongAdder messageReplies = new LongAdder();
    public final LongAdder messageErrors = new LongAdder();
    public final LongAdder noHandler = new LongAdder();
    public final LongAdder sysEvents = new LongAdder();

    /** Every counter by name, in a stable order. */
    public Map<String, Long> snapshot() {
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
