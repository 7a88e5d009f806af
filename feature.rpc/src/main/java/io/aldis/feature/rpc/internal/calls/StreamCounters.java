package io.aldis.feature.rpc.internal.calls;

import io.aldis.feature.rpc.api.StreamStats;
import io.aldis.protocol.api.ErrorCode;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the streams of one method's calls, as the callee sees them: opened, ended by how
 * their call ended, items and bytes each way. Lock-free: items are counted on the stream's path.
 */
public final class StreamCounters {
    private final LongAdder opened = new LongAdder();
    private final LongAdder ended = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder itemsSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder itemsReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();

    StreamCounters() {
    }

    /** A call of the method opened its stream. */
    public void opened() {
        opened.increment();
    }

    /** The stream counted by {@link #opened} as it was being opened was refused. */
    public void notOpened() {
        opened.decrement();
    }

    /** A stream opened before ended with its call, which ended with {@code code} (0: answered with a result). */
    public void ended(int code) {
        if (code == ErrorCode.CANCELLED.code()) {
            cancelled.increment();
        } else if (code != 0) {
            failed.increment();
        }
        ended.increment();
    }

    /** The callee handed its stream an item of {@code bytes}. */
    public void sent(int bytes) {
        itemsSent.increment();
        bytesSent.add(bytes);
    }

    /** The callee took an item of {@code bytes} from its caller. */
    public void received(int bytes) {
        itemsReceived.increment();
        bytesReceived.add(bytes);
    }

    /** Whether any stream was opened. */
    boolean used() {
        return opened.sum() > 0;
    }

    StreamStats snapshot(String method) {
        // Ended first: a stream that ends between the two readings then counts as open, never as -1 open.
        long endedNow = ended.sum();
        long openedNow = opened.sum();
        return new StreamStats(method, openedNow, Math.max(0, openedNow - endedNow), itemsSent.sum(), bytesSent.sum(),
                itemsReceived.sum(), bytesReceived.sum(), cancelled.sum(), failed.sum());
    }
}
