package io.aldis.feature.pubsub.internal;

import java.util.concurrent.atomic.LongAdder;

/** Traffic of one subject: totals, and a rate smoothed over the last few seconds. */
final class TopicStats {
    final String subject;
    final LongAdder messages = new LongAdder();
    final LongAdder bytes = new LongAdder();
    private long lastCount;
    private volatile double rate;
    /** Set once the subject is no longer tracked, so that whoever kept this instance looks it up again. */
    volatile boolean retired;

    TopicStats(String subject) {
        this.subject = subject;
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

    double rate() {
        return rate;
    }
}
