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
 * the cores may be the limit on either side; so the sender measures the result itself. A file is
 * cut into periods of {@value #PERIOD_BYTES} bytes. In a file of at least {@value #TRIED_FROM_PERIODS}
 * periods, the first period is sent compressed where the chunks shrink and the second as it is;
 * each later period is sent the way that moved more bytes per second in its latest measured
 * period, except that every {@value #KEPT_PERIODS} periods the other way is tried again for one
 * period, since links and loads change. A smaller file is compressed throughout, where the chunks
 * shrink, as {@link Compression#ADAPTIVE} always was.
 *
 * <p>A period's speed is measured from the acknowledgements of its chunks: the time between the
 * acknowledgements of two consecutive chunks counts for the second one's bytes. Only the time
 * while the sender also prepared chunks of the same period counts, because a sender reads and
 * compresses ahead of what is acknowledged, and on shared cores the work of one period slows the
 * acknowledgements of the other. A gap in the acknowledgements (a lost connection, a resend)
 * counts for nothing.
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
    /** The bytes of file in one period. */
    public static final long PERIOD_BYTES = 64L << 20;
    /** Periods sent the faster way before the other way is tried again for one period. */
    public static final int KEPT_PERIODS = 6;
    /** The least whole periods a file has for the ways to be tried; a smaller file is compressed throughout. */
    public static final int TRIED_FROM_PERIODS = 4;
    /** The least acknowledgement intervals that give a period's speed. */
    static final int LEAST_SAMPLES = 4;

    private final Compression compression;
    private final ChunkLayout layout;
    private final LongSupplier nanoClock;
    private final int periodChunks;
    private final boolean tried;
    /** How each period was sent, decided when the sender began to prepare its first chunk. */
    private final boolean[] compresses;

    /** The latest period the sender prepared a chunk of; -1 before the first. */
    private int preparedPeriod = -1;
    /** The latest speed of each way in bytes per nanosecond: [0] as it is, [1] compressed; 0 unknown. */
    private final double[] speed = new double[2];

    private int lastAcked = -1;
    private long lastAckNanos;
    private int periodAtLastAck = -1;

    private int measuredPeriod = -1;
    private long measuredBytes;
    private long measuredNanos;
    private int measuredSamples;

    /** Trials for a transfer of {@code layout} with {@code compression}, timed by {@link System#nanoTime()}. */
    public CompressionTrials(Compression compression, ChunkLayout layout) {
        this(compression, layout, System::nanoTime);
    }

    /** Trials timed by {@code nanoClock}, a monotonic clock in nanoseconds. */
    public CompressionTrials(Compression compression, ChunkLayout layout, LongSupplier nanoClock) {
        this.compression = Objects.requireNonNull(compression, "compression");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.periodChunks = (int) Math.max(1, (PERIOD_BYTES + layout.chunkSize() - 1) / layout.chunkSize());
        int periods = (layout.chunkCount() + periodChunks - 1) / periodChunks;
        this.tried = compression == Compression.ADAPTIVE
                && layout.chunkCount() >= (long) TRIED_FROM_PERIODS * periodChunks;
        this.compresses = new boolean[Math.max(periods, 1)];
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
        while (preparedPeriod < period) {
            preparedPeriod++;
            compresses[preparedPeriod] = decide(preparedPeriod);
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
        boolean pure = index == lastAcked + 1 && periodOf(lastAcked) == period && periodAtLastAck == period
                && preparedPeriod == period;
        if (pure) {
            measure(period, layout.sizeOf(index), now - lastAckNanos);
        }
        lastAcked = index;
        lastAckNanos = now;
        periodAtLastAck = preparedPeriod;
    }

    /** The transfer stopped (its connection went) and goes on later: the time between counts for nothing. */
    public synchronized void interrupted() {
        lastAcked = -1;
        periodAtLastAck = -1;
    }

    private void measure(int period, int bytes, long nanos) {
        if (nanos <= 0) {
            return; // a clock that did not move tells nothing
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

    private boolean decide(int period) {
        if (period == 0) {
            return true;
        }
        if (period == 1) {
            return false;
        }
        boolean faster = speed[0] <= speed[1]; // compressed, unless sending as it is was measured faster
        boolean trial = (period - 2) % (KEPT_PERIODS + 1) == KEPT_PERIODS;
        return trial != faster;
    }

    private int periodOf(int index) {
        return index < 0 ? -1 : index / periodChunks;
    }
}
