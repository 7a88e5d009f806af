package io.aldis.client.internal.files;

import io.aldis.client.TransferProgress;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns a transfer's byte count into progress reports for its listener: at most one per interval,
 * so a fast transfer does not flood the listener, and always one when every byte is done. The
 * rate is smoothed over the reports, so one slow chunk does not make the ETA jump. Used on the
 * transfer's thread only; reports go to the callback thread.
 */
final class ProgressMeter {
    /** Weight of the newest interval in the smoothed rate. */
    private static final double SMOOTHING = 0.3;

    private final Consumer<TransferProgress> listener;
    private final FileHost host;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final long total;
    private long lastReportAt;
    private long lastReportBytes;
    private double rate;
    private boolean started;
    private boolean reportedComplete;

    /** A meter that reports to {@code listener} (null: to nobody) through the client's callback thread. */
    ProgressMeter(Consumer<TransferProgress> listener, FileHost host, LongSupplier nanoClock, long intervalNanos,
            long total) {
        this.listener = listener;
        this.host = host;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
        this.total = total;
    }

    /** Notes that {@code bytesDone} bytes are done now, and reports it when it is time. */
    void update(long bytesDone) {
        if (listener == null || reportedComplete) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (!started) {
            started = true;
            lastReportAt = now;
            lastReportBytes = bytesDone;
        }
        long elapsed = now - lastReportAt;
        boolean complete = bytesDone >= total;
        if (!complete && elapsed < intervalNanos) {
            return;
        }
        if (elapsed > 0) {
            double recent = (bytesDone - lastReportBytes) * 1e9 / elapsed;
            rate = rate == 0 ? recent : SMOOTHING * recent + (1 - SMOOTHING) * rate;
        }
        lastReportAt = now;
        lastReportBytes = bytesDone;
        reportedComplete = complete;
        TransferProgress progress = new TransferProgress(bytesDone, total, rate);
        host.onCallbackThread(() -> listener.accept(progress));
    }
}
