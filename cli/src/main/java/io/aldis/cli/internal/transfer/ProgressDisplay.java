package io.aldis.cli.internal.transfer;

import io.aldis.client.TransferProgress;
import java.util.function.Consumer;

/** Shows a transfer's progress while it runs, and takes itself off the screen when it ends. */
public interface ProgressDisplay extends Consumer<TransferProgress>, AutoCloseable {

    /** Shows nothing: output that is not a terminal, or {@code --quiet}. */
    ProgressDisplay NONE = new ProgressDisplay() {
        @Override
        public void accept(TransferProgress progress) {
            // nothing to show
        }

        @Override
        public void close() {
            // nothing shown
        }
    };

    /** Ends the display; further progress is ignored. Safe to call more than once. */
    @Override
    void close();
}
