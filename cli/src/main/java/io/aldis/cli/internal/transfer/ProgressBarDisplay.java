package io.aldis.cli.internal.transfer;

import io.aldis.cli.internal.format.Sizes;
import io.aldis.client.TransferProgress;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A terminal progress bar for one transfer, drawn by the progressbar library. Bytes, rate and time
 * left are the client's own figures from its progress callbacks (bytes the node acknowledged, or
 * bytes this side stored), so a resumed transfer starts its bar where it stands.
 */
public final class ProgressBarDisplay implements ProgressDisplay {
    private static final long MIB = 1024 * 1024;

    private final ProgressBar bar;
    private volatile TransferProgress latest;
    private volatile boolean closed;

    /** A bar named {@code task} on {@code terminal} (the tool draws on standard error). */
    public ProgressBarDisplay(String task, PrintStream terminal) {
        this.bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(0)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUnit(" MiB", MIB)
                .setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(terminal))
                .setEtaFunction(state -> eta())
                .build();
    }

    private Optional<Duration> eta() {
        TransferProgress now = latest;
        return now == null ? Optional.empty() : now.eta();
    }

    @Override
    public synchronized void accept(TransferProgress progress) {
        if (closed) {
            return;
        }
        latest = progress;
        if (bar.getMax() != progress.totalBytes()) {
            bar.maxHint(progress.totalBytes());
        }
        bar.stepTo(progress.bytesDone());
        bar.setExtraMessage(progress.bytesPerSecond() > 0 ? Sizes.rate(progress.bytesPerSecond()) : "");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            bar.close();
        }
    }
}
