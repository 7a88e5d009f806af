package io.aldis.feature.pubsub.internal.stats;

import java.util.concurrent.atomic.LongAdder;

/** Traffic of one subject: totals, and a rate smoothed over the last few seconds. */
public final class TopicStats {
    final String subject;
    final LongAdder messages = new LongAdder();
    final LongAdder bytes = new LongAdder();
    private long lastCount;
    private volatile double rate;
    private volatile boolean retired;

    TopicStats(String subject) {
        this.subject = subject;
    }

    /** Counts one message of {@code size} bytes. */
    public void count(int size) {
        messages.increment();
        bytes.add(size);
    }

    /** Whether the subject is no longer tracked, so that whoever kept this instance looks it up again. */
    public boolean retired() {
        return retired;
    }

    void retire() {
        retired = true;
    }

    /** Called once a second. */
    synchronized void tick() {
        long now = messages.sum();
        double perSecond = now - lastCount;
        lastCount = now;
        rate = rate == 0 ? perSecond : 0.6 * rate + 0.4 * perSecond;
        if (rate < 0.01) {
            rate = 0;
        }
    }

    /** Messages per second, smoothed. */
    public double rate() {
        return rate;
    }

    public String subject() {
        return subject;
    }

    /** Messages counted since the subject was first tracked. */
    public long messages() {
        return messages.sum();
    }

    /** Payload bytes counted since the subject was first tracked. */
    public long bytes() {
        return bytes.sum();
    }
}
