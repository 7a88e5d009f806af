package io.aldis.client.internal.stream;

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
    // guarded by this
    private int waiting;
    private long started;
    private boolean sharing;
    private boolean liftPending;

    /** {@code lifted} runs on the client's callback thread each time sharing stops. */
    public AnswersAwaited(StreamHost host, Runnable lifted) {
        this.host = host;
        this.lifted = lifted;
    }

    /** Whether streamed results share the connection now. */
    public synchronized boolean sharing() {
        return sharing;
    }

    /** A call with a deadline was sent; {@link #callEnded()} must follow once it is over. */
    public synchronized void callStarted() {
        waiting++;
        started++;
        sharing = true;
    }

    /** A call counted by {@link #callStarted()} is over: answered, failed, timed out or cancelled. */
    public void callEnded() {
        long quietSince;
        synchronized (this) {
            if (--waiting > 0 || liftPending) {
                return;
            }
            liftPending = true;
            quietSince = started;
        }
        scheduleLift(quietSince);
    }

    private void scheduleLift(long quietSince) {
        if (host.schedule(() -> liftIfQuiet(quietSince), QUIET_MILLIS) == null) {
            synchronized (this) {
                liftPending = false; // the client is closed: nothing is streamed any more
            }
        }
    }

    private void liftIfQuiet(long quietSince) {
        long now;
        synchronized (this) {
            now = started;
            if (waiting > 0) {
                liftPending = false; // the call that ends last schedules again
                return;
            }
            if (now == quietSince) {
                liftPending = false;
                sharing = false;
            }
        }
        if (now == quietSince) {
            lifted.run();
        } else {
            scheduleLift(now); // calls came and went meanwhile: wait for a quiet tick of their own
        }
    }
}
