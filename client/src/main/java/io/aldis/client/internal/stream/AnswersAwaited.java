package io.aldis.client.internal.stream;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the client waits for answers on its connection, so that its streamed results keep to a
 * share of their high-water mark and less stream data is in flight ahead of those answers
 * (docs/protocol.md 6.4.3, rule 7).
 *
 * <p>Only calls with a deadline count: sharing may hold back an item larger than any the stream
 * carried so far until sharing stops, and a call with a deadline ends for sure. Sharing starts with
 * the first such call and stops once none has waited for a tick of the client's timer: a caller
 * with one call in flight starts the next one a moment after the answer, and the streams should
 * not open up their whole window in every such gap.
 *
 * <p>Thread-safe: calls start on the application's threads and end on the client's.
 */
public final class AnswersAwaited {
    /** How long the calls must have stopped before sharing stops; the client's timer rounds it up to its tick. */
    private static final long QUIET_MILLIS = 1;

    private final StreamHost host;
    private final Runnable lifted;
    // Counted on every call, so without a lock: calls at many in flight start and end on several threads.
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicLong started = new AtomicLong();
    private final AtomicBoolean liftPending = new AtomicBoolean();
    private volatile boolean sharing;

    /** {@code lifted} runs on the client's callback thread each time sharing stops. */
    public AnswersAwaited(StreamHost host, Runnable lifted) {
        this.host = host;
        this.lifted = lifted;
    }

    /** Whether streamed results share the connection now. */
    public boolean sharing() {
        return sharing;
    }

    /** A call with a deadline was sent; {@link #callEnded()} must follow once it is over. */
    public void callStarted() {
        started.incrementAndGet(); // before sharing is set: a lift that misses it reads the new count
        waiting.incrementAndGet();
        if (!sharing) {
            sharing = true;
        }
    }

    /** A call counted by {@link #callStarted()} is over: answered, failed, timed out or cancelled. */
    public void callEnded() {
        if (waiting.decrementAndGet() == 0 && liftPending.compareAndSet(false, true)) {
            scheduleLift(started.get());
        }
    }

    private void scheduleLift(long quietSince) {
        if (host.schedule(() -> liftIfQuiet(quietSince), QUIET_MILLIS) == null) {
            liftPending.set(false); // the client is closed: nothing is streamed any more
        }
    }

    private void liftIfQuiet(long quietSince) {
        if (waiting.get() == 0 && started.get() == quietSince) {
            sharing = false;
            if (started.get() == quietSince) {
                liftPending.set(false);
                lifted.run();
                return;
            }
            sharing = true; // a call started meanwhile, and shares
        }
        liftPending.set(false);
        // A call that ended while a lift was pending scheduled nothing: its tick is scheduled here.
        if (waiting.get() == 0 && liftPending.compareAndSet(false, true)) {
            scheduleLift(started.get());
        }
    }
}
