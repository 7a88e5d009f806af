package io.aldis.cli.internal.transfer;

import io.aldis.client.AldisClient;
import io.aldis.client.Transfer;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What Ctrl-C (SIGINT, or SIGTERM) does to an upload or a download: once the transfer runs, a
 * shutdown hook closes the client, which stops the transfer at its checkpoint, and waits (briefly)
 * until the transfer has noted that checkpoint, so that the same command run again goes on from
 * there; before it runs (while the tool connects), the hook only says that it had not started. The
 * JVM then ends with status 130 (143 after SIGTERM).
 *
 * <p>The hook never writes a checkpoint itself: the client writes each one beside the old and
 * renames it into place, so even a process killed in the middle leaves the previous checkpoint
 * whole. Waiting here only makes the last one as recent as it can be.
 */
public final class Interruption {
    /** How long the hook waits for CLOSE_ACK and then for the transfer to stop; the user is waiting too. */
    private static final long STEP_SECONDS = 3;

    private record Running(AldisClient client, Transfer transfer, ProgressDisplay display) {
    }

    private final Thread hook;
    private final CountDownLatch hookDone = new CountDownLatch(1);
    private final PrintWriter err;
    private final String what;
    /** The transfer once it runs; guarded by this, so that the hook and the start never cross. */
    private Running running;
    private volatile boolean requested;

    private Interruption(PrintWriter err, String what) {
        this.err = err;
        this.what = what;
        this.hook = new Thread(this::stop, "aldis-cli-interrupt");
    }

    /**
     * Registers the hook before the tool connects, for the transfer named {@code what} (such as
     * {@code upload of big.iso}); {@link #uninstall()} it once the transfer ended.
     */
    public static Interruption install(PrintWriter err, String what) {
        Interruption interruption = new Interruption(err, what);
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    /**
     * Starts the transfer unless the process is being stopped already: an interruption from here on
     * stops it at its checkpoint. Starting it and the hook's look at it exclude each other, so that
     * the hook never says the transfer had not started when it had. When the hook came first, this
     * waits for the end of the process.
     */
    Transfer start(AldisClient client, ProgressDisplay display, Supplier<Transfer> starting)
            throws InterruptedException {
        synchronized (this) {
            if (!requested) {
                Transfer transfer = starting.get();
                running = new Running(client, transfer, display);
                return transfer;
            }
        }
        awaitExit();
        throw new IllegalStateException("the process is ending");
    }

    private void stop() {
        Running now;
        synchronized (this) {
            requested = true;
            now = running;
        }
        try {
            if (now == null) {
                err.println("interrupted before the " + what + " started");
                err.flush();
                return;
            }
            stop(now.client(), now.transfer(), now.display());
        } finally {
            hookDone.countDown();
        }
    }

    private void stop(AldisClient client, Transfer transfer, ProgressDisplay display) {
        display.close();
        if (transfer.result().isDone()) {
            return;
        }
        try {
            client.close().get(STEP_SECONDS, TimeUnit.SECONDS);
        } catch (Exception closeFailed) {
            // the connection is going anyway; the transfer still stops at its checkpoint
        }
        try {
            transfer.result().get(STEP_SECONDS, TimeUnit.SECONDS);
        } catch (Exception stoppedAsExpected) {
            // a transfer cut off this way fails; its checkpoint is what matters
        }
        err.println("interrupted: " + what + " stopped at its checkpoint; run the same command again to resume");
        err.flush();
    }

    /** Whether the process is being stopped by a signal. */
    public boolean requested() {
        return requested;
    }

    /**
     * For the main thread once the transfer failed because of the interruption: waits for the
     * hook and then for the JVM to end, so that no error about the cut-off transfer is printed.
     */
    public void awaitExit() throws InterruptedException {
        hookDone.await();
        new CountDownLatch(1).await();
    }

    /** Removes the hook after the transfer ended on its own; does nothing while the JVM is shutting down. */
    public void uninstall() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran: nothing to remove
        }
    }
}
