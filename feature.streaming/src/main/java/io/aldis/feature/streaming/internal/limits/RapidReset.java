package io.aldis.feature.streaming.internal.limits;

import java.util.function.LongSupplier;

/**
 * Counts the streams one session's client cancels (STREAM_CANCEL, or RPC_CANCEL of a call with a
 * stream) in a fixed window, against the HTTP/2 "rapid reset" attack: a client that opens and
 * cancels streams in a loop makes the node do the work of opening each one and never pays for it
 * with reading. Past half of the allowed cancels the session is held for the rest of the window;
 * past all of them it is closed. Not thread-safe: one session's event loop uses it.
 */
public final class RapidReset {
    /** What to do with the session after a cancel. */
    public enum Verdict {
        /** Nothing. */
        NONE,
        /** Hold its inbound frames for {@link #holdMillis()}. */
        HOLD,
        /** Close it with RATE_LIMITED. */
        CLOSE
    }

    private final LongSupplier nanoClock;
    private long windowStart;
    private long windowNanos;
    private int count;
    private boolean heldThisWindow;

    /** A counter reading {@code nanoClock} ({@code System::nanoTime} outside tests). */
    public RapidReset(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.windowStart = nanoClock.getAsLong();
    }

    /** Counts one cancel, with the limits in force now. */
    public Verdict cancelled(int maxCancels, int windowMillis) {
        long now = nanoClock.getAsLong();
        windowNanos = windowMillis * 1_000_000L;
        if (now - windowStart >= windowNanos) {
            windowStart = now;
            count = 0;
            heldThisWindow = false;
        }
        count++;
        if (count > maxCancels) {
            return Verdict.CLOSE;
        }
        if (count > maxCancels / 2 && !heldThisWindow) {
            heldThisWindow = true;
            return Verdict.HOLD;
        }
        return Verdict.NONE;
    }

    /** Cancels counted in the current window. */
    public int count() {
        return count;
    }

    /** How long a hold lasts: a tenth of the window, at least 1 ms. */
    public long holdMillis() {
        return Math.max(1, windowNanos / 10_000_000L);
    }
}
