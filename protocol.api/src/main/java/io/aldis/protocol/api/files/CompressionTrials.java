package io.aldis.protocol.api.files;

import io.aldis.protocol.api.Compression;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Whether a sender with adaptive compression compresses a file's compressible chunks, found by
 * trying both ways on the transfer itself and keeping the faster one.
 *
 * <p>Compressing pays where the link is slower than the sender's compression and the receiver's
 * restore together, and costs where it is not: on loopback, or where both ends share a few busy
 * cores, a text log that LZ4 shrinks threefold moves at about two thirds of its uncompressed speed
 * (docs/benchmarks.md). No single measure of the link tells which case a transfer is in, since
 * the cores may be the limit on either side; so the sender measures the result itself.
 *
 * <p>A file is cut into periods of as many whole chunks as fit in {@value #PERIOD_BYTES} bytes,
 * or more when the sender keeps so many chunks ahead of the acknowledgements that fewer than 16
 * of a period would be measured (see below). A file of fewer than {@value #TRIED_FROM_PERIODS}
 * periods of whole chunks is compressed throughout, where the chunks shrink, as
 * {@link Compression#ADAPTIVE} always was. In a larger one, the first period the sender prepares
 * goes compressed where its chunks shrink and the second as it is; each later one goes the way
 * that moved more bytes per second in its latest measured period (compressed unless both ways were
 * measured and sending as it is was faster), and after every {@value #KEPT_PERIODS} such periods
 * the other way is tried again for one period, since links and loads change. A transfer that
 * resumes with periods the receiver already holds counts only the periods it sends.
 *
 * <p>A period's speed comes from the acknowledgements: the time between the acknowledgements of two
 * consecutive chunks of the period counts for the second one's bytes. It counts only while the
 * sender prepares chunks of that same period, because a sender reads and compresses ahead of what
 * is acknowledged, and on shared cores the work for one period slows the acknowledgements of the
 * other; hence a period is at least the sender's lead and 16 chunks more. Time across a reconnect
 * ({@link #interrupted()}) counts for nothing, and so does an interval of more than
 * {@value #STALL_NANOS} ns (a pause, a stall): on a link so slow that every chunk takes that long
 * nothing is measured, and the file goes compressed.
 *
 * <p>Either way the receiver decompresses what its {@code COMPRESSED} flag marks (docs/protocol.md
 * 6.5.2), so the choice is the sender's alone. For {@link Compression#NONE} and
 * {@link Compression#LZ4} every chunk keeps the transfer's compression.
 *
 * <p>Thread-safe: a sender's reader and the thread that sees acknowledgements may be different.
 *
 * @since 1.4
 */
public final class CompressionTrials {
    /** The most bytes of whole chunks in one period, unless the sender's lead asks for more. */
    public static final long PERIOD_BYTES = 64L << 20;
    /** Periods sent the faster way before the other way is tried again for one period. */
    public static final int KEPT_PERIODS = 6;
    /** The least periods of whole chunks a file has for the ways to be tried. */
    public static final int TRIED_FROM_PERIODS = 4;
    /** The longest time between two acknowledgements that counts; a longer one is a stall. */
    public static final long STALL_NANOS = 1_000_000_000L;
    /** The least acknowledgement intervals that give a period's speed. */
    static final int LEAST_SAMPLES = 4;
    /** The least chunks of a period acknowledged while the sender prepares the same period. */
    static final int MEASURED_LEAST = 4 * LEAST_SAMPLES;

    private final Compression compression;
    private final ChunkLayout layout;
    private final LongSupplier nanoClock;
    private final int periodChunks;
    private final boolean tried;
    /** How each period is sent, decided when the sender prepared its first chunk of it. */
    private final boolean[] compresses;

    /** The latest period the sender prepared a chunk of; -1 before the first. */
    private int preparedPeriod = -1;
    /** Periods the sender prepared chunks of: the trials' schedule counts these. */
    private int periodsSent;
    /** The latest speed of each way in bytes per nanosecond: [0] as it is, [1] compressed; 0 unknown. */
    private final double[] speed = new double[2];

    private int lastAcked = -1;
    private long lastAckNanos;

    private int measuredPeriod = -1;
    private long measuredBytes;
    private long measuredNanos;
    private int measuredSamples;

    /**
     * Trials for a transfer of {@code layout} with {@code compression}, timed by
     * {@link System#nanoTime()}.
     *
     * @param leadChunks the most chunks the sender prepares ahead of the acknowledgements: its
     *     window and whatever it reads ahead of that
     */
    public CompressionTrials(Compression compression, ChunkLayout layout, int leadChunks) {
        this(compression, layout, leadChunks, System::nanoTime);
    }

    /** Trials timed by {@code nanoClock}, a monotonic clock in nanoseconds. */
    public CompressionTrials(Compression compression, ChunkLayout layout, int leadChunks, LongSupplier nanoClock) {
        this.compression = Objects.requireNonNull(compression, "compression");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (leadChunks < 0) {
            throw new IllegalArgumentException("a sender's lead cannot be negative: " + leadChunks);
        }
        long byBytes = Math.max(1, PERIOD_BYTES / layout.chunkSize());
        long byLead = (long) leadChunks + MEASURED_LEAST;
        this.periodChunks = (int) Math.min(Integer.MAX_VALUE, Math.max(byBytes, byLead));
        long wholeChunks = layout.fileSize() / layout.chunkSize();
        this.tried = compression == Compression.ADAPTIVE && wholeChunks >= (long) TRIED_FROM_PERIODS * periodChunks;
        long periods = (layout.chunkCount() + (long) periodChunks - 1) / periodChunks;
        this.compresses = new boolean[tried ? (int) periods : 0];
    }

    /**
     * The compression to prepare chunk {@code index} with: the transfer's, or {@link Compression#NONE}
     * where the trials send its period as it is. The sender calls this when it prepares a chunk, in
     * the order it reads them; a chunk prepared again (a resend) gets its period's way.
     */
    public synchronized Compression forChunk(int index) {
        if (!tried) {
            return compression;
        }
        int period = periodOf(index);
        if (period > preparedPeriod) {
            // Periods passed over hold no chunk to send now; a resend of one later goes compressed.
            for (int skipped = preparedPeriod + 1; skipped < period; skipped++) {
                compresses[skipped] = true;
            }
            compresses[period] = decide(periodsSent++);
            preparedPeriod = period;
        }
        return compresses[period] ? compression : Compression.NONE;
    }

    /** The receiver acknowledged chunk {@code index}. */
    public synchronized void acknowledged(int index) {
        if (!tried || !layout.holds(index)) {
            return;
        }
        long now = nanoClock.getAsLong();
        int period = periodOf(index);
        // The chunk before was prepared before this one: the sender prepared this period all along.
        boolean pure = index == lastAcked + 1 && periodOf(lastAcked) == period && preparedPeriod == period;
        if (pure) {
            measure(period, layout.sizeOf(index), now - lastAckNanos);
        }
        lastAcked = index;
        lastAckNanos = now;
    }

    /** The transfer stopped (its connection went) and goes on later: the time between counts for nothing. */
    public synchronized void interrupted() {
        lastAcked = -1;
    }

    private void measure(int period, int bytes, long nanos) {
        if (nanos <= 0 || nanos > STALL_NANOS) {
            return; // a clock that did not move tells nothing, and a stall is not the link's speed
        }
        if (period != measuredPeriod) {
            measuredPeriod = period;
            measuredBytes = 0;
            measuredNanos = 0;
            measuredSamples = 0;
        }
        measuredBytes += bytes;
        measuredNanos += nanos;
        measuredSamples++;
        if (measuredSamples >= LEAST_SAMPLES) {
            speed[compresses[period] ? 1 : 0] = (double) measuredBytes / measuredNanos;
        }
    }

    /** The way of the {@code step}th period the sender prepares chunks of: true to compress. */
    private boolean decide(int step) {
        if (step == 0) {
            return true;
        }
        if (step == 1) {
            return false;
        }
        // Compressed, unless both ways were measured and sending as it is was faster.
        boolean faster = !(speed[0] > 0 && speed[1] > 0 && speed[0] > speed[1]);
        boolean trial = (step - 2) % (KEPT_PERIODS + 1) == KEPT_PERIODS;
        return trial != faster;
    }

    private int periodOf(int index) {
        return index < 0 ? -1 : index / periodChunks;
    }
}
