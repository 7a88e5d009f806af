package io.aldis.feature.streaming.internal.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The feature's running totals since it started; thread-safe. */
public final class StreamCounters {
    /** The names {@link #snapshot()} uses, in its order. */
    public static final List<String> NAMES = List.of("openedTotal", "itemsSent", "bytesSent", "itemsReceived",
            "bytesReceived", "creditExceeded", "cancelled", "failed");

    private final LongAdder opened = new LongAdder();
    private final LongAdder itemsSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder itemsReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder creditExceeded = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder failed = new LongAdder();

    public void opened() {
        opened.increment();
    }

    public void sent(int bytes) {
        itemsSent.increment();
        bytesSent.add(bytes);
    }

    public void received(int bytes) {
        itemsReceived.increment();
        bytesReceived.add(bytes);
    }

    public void creditExceeded() {
        creditExceeded.increment();
    }

    public void cancelled() {
        cancelled.increment();
    }

    public void failed() {
        failed.increment();
    }

    /** Every counter by its name in {@link #NAMES}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("openedTotal", opened.sum());
        m.put("itemsSent", itemsSent.sum());
        m.put("bytesSent", bytesSent.sum());
        m.put("itemsReceived", itemsReceived.sum());
        m.put("bytesReceived", bytesReceived.sum());
        m.put("creditExceeded", creditExceeded.sum());
        m.put("cancelled", cancelled.sum());
        m.put("failed", failed.sum());
        return m;
    }
}
