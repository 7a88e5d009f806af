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
 * <p>{@link OnLoopPolicy} forgives one callback past the limit, as a pause of the machine may have
 * caught it, and acts on a second soon after or on one far past it: a callback that blocks holds
 * the connection once or twice, not for good. (A client's I/O thread serves that client alone
 * unless it was given a shared event loop group, and its callbacks run one at a time wherever
 * they run, so a slow one costs the client the same on either side; what the move saves is the
 * reading and writing meanwhile.)
 */
final class CallbackPlacement {
    private static final System.Logger LOG = System.getLogger(CallbackPlacement.class.getName());

    private final BooleanSupplier onIoThread;
    private final long limitNanos;
    private final OnLoopPolicy policy = new OnLoopPolicy();

    /**
     * @param onIoThread whether the calling thread is one of the client's I/O threads
     * @param limitNanos the longest a callback may hold an I/O thread; 0 keeps them all on the pool
     */
    CallbackPlacement(BooleanSupplier onIoThread, long limitNanos) {
        this.onIoThread = onIoThread;
        this.limitNanos = limitNanos;
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
                + TimeUnit.NANOSECONDS.toMicros(nanos) + " µs; the client's callbacks now run on the callback pool");
        return true;
    }

    /** A callback ran on the pool for {@code nanos}; enough prompt ones bring them back to the I/O thread. */
    void ranOnPool(long nanos) {
        if (policy.ranOnWorker(nanos, limitNanos)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "The client's callbacks returned promptly on the callback pool "
                    + "again; they run on its I/O thread once more");
        }
    }

    /** How often the callbacks were sent to the pool. */
    int sentAway() {
        return policy.sentAway();
    }
}
