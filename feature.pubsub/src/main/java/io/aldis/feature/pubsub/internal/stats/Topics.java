package io.aldis.feature.pubsub.internal.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subjects messages are published on, each with its {@link TopicStats}. Bounded: past its
 * limit new subjects are not tracked, and a subject idle for a while is forgotten, so that
 * publishers on ever new subjects cannot grow it without end.
 */
public final class Topics {
    /** Subjects tracked at most, by default. */
    public static final int DEFAULT_LIMIT = 10_000;
    /** Ticks (seconds) without a message after which a subject is forgotten, by default. */
    public static final int DEFAULT_IDLE_TICKS = 300;

    private final int limit;
    private final int idleTicks;
    private final Map<String, TopicStats> topics = new ConcurrentHashMap<>();
    private final Map<String, Integer> idle = new ConcurrentHashMap<>();

    public Topics() {
        this(DEFAULT_LIMIT, DEFAULT_IDLE_TICKS);
    }

    /** For tests: another limit and idle time. */
    public Topics(int limit, int idleTicks) {
        this.limit = limit;
        this.idleTicks = idleTicks;
    }

    /** The statistics of a subject; null when the limit of subjects is already tracked. */
    public TopicStats topic(String subject) {
        TopicStats t = topics.get(subject);
        if (t == null && topics.size() < limit) {
            t = topics.computeIfAbsent(subject, TopicStats::new);
        }
        return t;
    }

    /** Counts a message on a subject, if the subject is tracked. */
    public void count(String subject, int size) {
        TopicStats t = topic(subject);
        if (t != null) {
            t.count(size);
        }
    }

    /** Updates every rate; called once a second. Forgets subjects idle for longer than the idle time. */
    public void tick() {
        for (TopicStats t : topics.values()) {
            long before = t.messages.sum();
            t.tick();
            if (t.rate() == 0) {
                int ticks = idle.merge(t.subject, 1, Integer::sum);
                if (ticks > idleTicks && t.messages.sum() == before) {
                    topics.remove(t.subject);
                    idle.remove(t.subject);
                    t.retire();
                }
            } else {
                idle.remove(t.subject);
            }
        }
    }

    /** How many subjects are tracked. */
    public int size() {
        return topics.size();
    }

    /** Every tracked subject's statistics. */
    public List<TopicStats> all() {
        return new ArrayList<>(topics.values());
    }
}
