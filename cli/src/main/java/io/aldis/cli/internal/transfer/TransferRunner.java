package io.aldis.cli.internal.transfer;

import io.aldis.client.AldisClient;
import io.aldis.client.Transfer;
import io.aldis.client.TransferOptions;
import io.aldis.client.TransferResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Runs one upload or download to its end in the foreground: a progress bar while it runs (when
 * asked for), the one-line summary when it succeeded, and a stop at the checkpoint on Ctrl-C.
 */
public final class TransferRunner {
    private final AldisClient client;
    private final ProgressDisplay display;
    private final PrintWriter out;
    private final Interruption interruption;

    /** @param interruption the hook installed before the tool connected */
    public TransferRunner(AldisClient client, ProgressDisplay display, PrintWriter out, Interruption interruption) {
        this.client = client;
        this.display = display;
        this.out = out;
        this.interruption = interruption;
    }

    /**
     * Starts the transfer with {@code options} plus the progress display and waits for it.
     *
     * @param start starts the transfer with the options it is given
     * @return the result; a failed transfer throws its failure
     */
    public TransferResult run(Direction direction, TransferOptions options, Function<TransferOptions, Transfer> start)
            throws Exception {
        long started = System.nanoTime();
        Transfer transfer = interruption.start(client, display, () -> start.apply(options.withProgress(display)));
        try {
            TransferResult result = transfer.result().get();
            display.close();
            out.println(Summary.of(direction, result, transfer.bytesMoved(),
                    Duration.ofNanos(System.nanoTime() - started)));
            out.flush();
            return result;
        } catch (ExecutionException failed) {
            if (interruption.requested()) {
                interruption.awaitExit();
            }
            display.close();
            throw failed;
        }
    }
}
