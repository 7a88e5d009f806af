package io.aldis.client.internal;

import io.aldis.client.ClientStats;
import java.util.concurrent.atomic.LongAdder;

/** Live counters behind {@link ClientStats}; written on the event loop, read from anywhere. */
public final class StatsCounters {
    final LongAdder pingsSent = new LongAdder();
    final LongAdder pingsReceived = new LongAdder();
    final LongAdder pongsReceived = new LongAdder();
    final LongAdder framesSent = new LongAdder();
    final LongAdder framesReceived = new LongAdder();
    final LongAdder reconnects = new LongAdder();

    /** A consistent-enough copy: each counter is exact, they are just not read at one instant. */
    public ClientStats snapshot() {
        return new ClientStats(pingsSent.sum(), pingsReceived.sum(), pongsReceived.sum(), framesSent.sum(),
                framesReceived.sum(), reconnects.sum());
    }
}
