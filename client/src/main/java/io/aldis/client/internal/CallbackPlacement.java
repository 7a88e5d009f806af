package io.aldis.client.internal;

import io.aldis.protocol.api.spi.work.OnLoopPolicy;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Whether a client's callbacks run on the I/O thread that read what they handle, or on the shared
 * callback pool: on the I/O thread while each of them returns within a limit, which spares the
 * two hand-overs between threads a round trip through the pool costs; on the pool from the first
 * one that does not (it blocked, ran long, or a pause caught it), and back after a run of prompt
 * ones there, as {@link OnLoopPolicy} judges. A callback that blocks thus holds the connection once,
 * not for good.
 */
final class CallbackPlacement {
    private static final System.Logger LOG = System.getLogger(CallbackPlacement.class.getName());

    private final BooleanSupplier onIoThread;
    private final long limitNanos;
    private final String what;
    private final OnLoopPolicy policy = new OnLoopPolicy();

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
        if (!policy.ranOnLoop(nanos, limitNanos)) {
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
