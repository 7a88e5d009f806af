package io.aldis.client.internal;

import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether a client's callbacks run on the I/O thread that read what they handle, or on the shared
 * callback pool: on the I/O thread while they return within a limit, which spares the two
 * hand-overs between threads a round trip through the pool costs; on the pool once they are seen
 * not to, and back after a run of prompt ones there, as {@link OnLoopPolicy} judges.
 *
 * <p>One callback past the limit is forgiven: on a busy machine the system takes the processor from
 * a thread for milliseconds now and then, and a collection pauses every thread, so a prompt
 * callback can seem to run long. A second one within the next {@link #CONFIRM_WITHIN} callbacks,
 * or a single one {@link #AT_ONCE} times past the limit, sends them to the pool: a callback that
 * blocks holds the connection once or twice, not for good. (A client's I/O thread serves that
 * client alone unless it was given a shared event loop group, and its callbacks run one at a time
 * wherever they run, so a slow one costs the client the same on either side; what the move saves
 * is the reading and writing meanwhile.)
 */
final class CallbackPlacement {
    private static final System.Logger LOG = System.getLogger(CallbackPlacement.class.getName());

    private final BooleanSupplier onIoThread;
    private final long limitNanos;
    private final String what;
    /** Callbacks after one past the limit within which a second one confirms it. */
    static final int CONFIRM_WITHIN = 1024;
    /** How many times past the limit a single callback must run to send them to the pool by itself. */
    static final int AT_ONCE = 100;

    private final OnLoopPolicy policy = new OnLoopPolicy();
    /** Prompt callbacks since the last one past the limit, up to {@link #CONFIRM_WITHIN}; a racy count is good enough. */
    private volatile int sinceLong = CONFIRM_WITHIN;

    /**
     * @param onIoThread whether the calling thread is one of the client's I/O threads
     * @param limitNanos the longest a callback may hold an I/O thread; 0 keeps them all on the pool
     * @param what the callbacks judged, as log lines name them ("callbacks", "stream deliveries")
     */
    CallbackPlacement(BooleanSupplier onIoThread, long limitNanos, String what) {
        this.onIoThread = onIoThread;
        this.limitNanos = limitNanos;
        this.what = what;
    }

    /** Whether a callback submitted by the calling thread may run here and now. */
    boolean mayRunHere() {
        return policy.onLoop(limitNanos) && onIoThread.getAsBoolean();
    }

    /** Whether the pool's threads may linger for more: not while callbacks belong on the I/O thread. */
    boolean poolMayLinger() {
        return !policy.onLoop(limitNanos);
    }

    /**
     * A callback ran on an I/O thread for {@code nanos}.
     *
     * @return true when that sends the callbacks to the pool
     */
    boolean ranHere(long nanos) {
        if (nanos <= limitNanos) {
            int since = sinceLong;
            if (since < CONFIRM_WITHIN) {
                sinceLong = since + 1;
            }
            return false;
        }
        boolean confirmed = sinceLong < CONFIRM_WITHIN || nanos / AT_ONCE >= limitNanos;
        sinceLong = confirmed ? CONFIRM_WITHIN : 0;
        if (!confirmed || !policy.ranOnLoop(nanos, limitNanos)) {
            return false;
        }
        LOG.log(System.Logger.Level.INFO, () -> "A client callback kept its I/O thread "
                + TimeUnit.NANOSECONDS.toMicros(nanos) + " µs; the client's " + what + " now run on the callback pool");
        return true;
    }

    /** A callback ran on the pool for {@code nanos}; enough prompt ones bring them back to the I/O thread. */
    void ranOnPool(long nanos) {
        if (policy.ranOnWorker(nanos, limitNanos)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "The client's " + what
                    + " returned promptly on the callback pool again; they run on its I/O thread once more");
        }
    }

    /** How often the callbacks were sent to the pool. */
    int sentAway() {
        return policy.sentAway();
    }
}
