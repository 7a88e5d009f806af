package io.aldis.protocol.api.spin;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * How long a thread that has run out of work should stay awake before it blocks, learned from how
 * soon work followed its recent idle spells.
 *
 * <p>Blocking and being woken costs tens of microseconds on a virtual machine whose idle processors
 * halt, which is more than a whole round trip on loopback. A thread that stays awake a little
 * while catches the next piece of work without that cost, but only pays if the work comes within
 * that while. So the window is twice the median of the last {@value #SAMPLES} idle spells when
 * that median is within the cap, and zero otherwise: a node whose work comes in back-to-back
 * exchanges spins, an idle or sparsely used one blocks at once and spends nothing.
 *
 * <p>Thread-safe; {@link #idleEnded} is meant to be called once per idle spell, not per task.
 */
public final class SpinWindow {
    /** Idle spells the window is learned from. */
    public static final int SAMPLES = 16;
    /** The cap the node's and the client's spinning threads have by default, in microseconds. */
    public static final int DEFAULT_CAP_MICROS = 200;
    /**
     * How many threads of one kind (network threads of a listener, callback threads of a JVM's
     * clients) may spin at once: one per two processors, so spinners never take every processor
     * from the threads that have work.
     */
    public static final int SPINNERS_AT_ONCE = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final long[] spells = new long[SAMPLES];
    private final long[] sorted = new long[SAMPLES];
    private int next;
    private int recorded;
    private volatile long capNanos;
    private volatile long windowNanos;

    /** A window of at most {@code cap}; a cap of 0 never spins. */
    public SpinWindow(long cap, TimeUnit unit) {
        cap(cap, unit);
    }

    /** Changes the cap; takes effect at once. */
    public void cap(long cap, TimeUnit unit) {
        if (cap < 0) {
            throw new IllegalArgumentException("a spin cap cannot be negative");
        }
        this.capNanos = unit.toNanos(cap);
        synchronized (this) {
            recompute();
        }
    }

    /** The cap in nanoseconds. */
    public long capNanos() {
        return capNanos;
    }

    /** How long to stay awake now, in nanoseconds; 0 to block at once. */
    public long windowNanos() {
        return windowNanos;
    }

    /** Records an idle spell: the time from running out of work until work came again. */
    public synchronized void idleEnded(long spellNanos) {
        spells[next] = Math.max(0, spellNanos);
        next = (next + 1) % SAMPLES;
        if (recorded < SAMPLES) {
            recorded++;
        }
        recompute();
    }

    private void recompute() {
        long cap = capNanos;
        if (cap == 0 || recorded == 0) {
            windowNanos = 0;
            return;
        }
        System.arraycopy(spells, 0, sorted, 0, recorded);
        Arrays.sort(sorted, 0, recorded);
        long median = sorted[recorded / 2];
        windowNanos = median > cap ? 0 : Math.min(cap, 2 * median);
    }
}
