package io.aldis.protocol.api.spi.work;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Whether one piece of service code (an RPC method, a stream's publisher) runs on the event loop
 * that has its work or on a worker, judged by how long its runs took against a limit the caller
 * gives each time (so a changed setting applies at once). The code runs on the loop while its
 * runs there return within the limit, which spares the two hand-overs between threads a worker
 * costs.
 *
 * <p>A run past the limit may be the code's doing (it blocked or ran long) or the machine's: a
 * busy system takes the processor from a thread for milliseconds now and then, and a garbage
 * collection pauses every thread. So one run past the limit is forgiven, and so are those that
 * overlap it in time (the same pause caught the code on several loops); a second within the next
 * {@link #CONFIRM_WITHIN} runs, or a single run {@link #AT_ONCE} times the limit or longer, sends
 * the code to the workers. Code that blocks more rarely than that, and for less than that factor,
 * stays on the loop: the price of not mistaking a busy machine for blocking code. Runs there that all keep within the limit bring it back after a
 * probation that doubles each time it is sent away: code that was only caught by pauses returns,
 * code that blocks now and then ends on the workers for good. A limit of 0 keeps it on the workers.
 *
 * <p>Safe for any thread: each move between the loop and the workers happens once, however many
 * threads judge at the same moment; a run judged against a moment-old state costs at most one run
 * on the other side.
 */
public final class OnLoopPolicy {
    /** Runs on the workers within the limit before code sent away the first time comes back. */
    public static final int FIRST_PROBATION = 1024;
    private static final int LONGEST_PROBATION = 1 << 24;

    /** Runs after one past the limit within which a second one past it sends the code away. */
    public static final int CONFIRM_WITHIN = 1024;
    /** How many times the limit a single run must take to send the code away by itself. */
    public static final int AT_ONCE = 100;

    private final AtomicBoolean onLoop = new AtomicBoolean(true);
    /** Runs on the loop within the limit since the last one past it, up to {@link #CONFIRM_WITHIN}; racy, as a hint may be. */
    private volatile int sinceLong = CONFIRM_WITHIN;
    /** When the last run forgiven as the first in a while ended, on {@link #clock}; read only while {@code sinceLong} counts. */
    private volatile long forgivenUntil;
    private final LongSupplier clock;

    /** A policy for one piece of code, with the code on the loop until its runs say otherwise. */
    public OnLoopPolicy() {
        this(System::nanoTime);
    }

    /** The same on another clock, in nanoseconds (tests). */
    OnLoopPolicy(LongSupplier clock) {
        this.clock = clock;
    }
    private final AtomicInteger keptWithin = new AtomicInteger();
    private volatile int probation = FIRST_PROBATION;
    private final AtomicInteger sentAway = new AtomicInteger();

    /** Whether the next run may be on the loop, under {@code limitNanos}. */
    public boolean onLoop(long limitNanos) {
        return onLoop.get() && limitNanos > 0;
    }

    /**
     * A run on the loop took {@code nanos}.
     *
     * @return true when it sends the code to the workers
     */
    public boolean ranOnLoop(long nanos, long limitNanos) {
        if (nanos <= limitNanos) {
            int since = sinceLong;
            if (since < CONFIRM_WITHIN) {
                sinceLong = since + 1;
            }
            return false;
        }
        if (nanos / AT_ONCE < limitNanos) {
            long end = clock.getAsLong();
            if (sinceLong >= CONFIRM_WITHIN) {
                // the first in a while; written before the count, which tells other loops to read it
                forgivenUntil = end;
                sinceLong = 0;
                return false;
            }
            if ((end - nanos) - forgivenUntil < 0) {
                // began before the one forgiven ended: the same pause caught it on another loop;
                // it extends nothing, so that runs on several loops cannot forgive each other in turn
                return false;
            }
        }
        sinceLong = CONFIRM_WITHIN;
        if (!onLoop.compareAndSet(true, false)) {
            return false;
        }
        keptWithin.set(0);
        sentAway.incrementAndGet();
        return true;
    }

    /**
     * A run on a worker took {@code nanos}.
     *
     * @return true when it ends the code's probation: its next runs are on the loop
     */
    public boolean ranOnWorker(long nanos, long limitNanos) {
        if (onLoop.get()) {
            return false;
        }
        if (limitNanos == 0 || nanos > limitNanos) {
            keptWithin.set(0);
            return false;
        }
        if (keptWithin.incrementAndGet() < probation || !onLoop.compareAndSet(false, true)) {
            return false;
        }
        probation = Math.min(LONGEST_PROBATION, probation * 2);
        keptWithin.set(0);
        return true;
    }

    /** How often the code was sent to the workers. */
    public int sentAway() {
        return sentAway.get();
    }
}
