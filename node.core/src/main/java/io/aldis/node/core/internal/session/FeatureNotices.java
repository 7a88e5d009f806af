package io.aldis.node.core.internal.session;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Keeps one session's notices to the features in order: the features hear of its opening on the
 * workers, off the event loop, and its end waits for those notices still running or queued. A
 * feature told of the end first would release the session's state, and the late opening would
 * then set up again, for a session that is gone, what the session kept (a client's services,
 * subscriptions), where nothing would ever remove it.
 */
public final class FeatureNotices {
    private int openingsRunning;
    private Runnable end;

    /**
     * Tells a feature of the opening on {@code workers}.
     *
     * @throws RejectedExecutionException when the workers no longer take work (the node stops)
     */
    public void opening(Executor workers, Runnable notice) {
        synchronized (this) {
            openingsRunning++;
        }
        try {
            workers.execute(() -> {
                try {
                    notice.run();
                } finally {
                    openingDone();
                }
            });
        } catch (RejectedExecutionException stopping) {
            openingDone();
            throw stopping;
        }
    }

    /** Runs {@code notice} now, or once the openings told before it have run. */
    public void end(Runnable notice) {
        synchronized (this) {
            if (openingsRunning > 0) {
                end = notice;
                return;
            }
        }
        notice.run();
    }

    private void openingDone() {
        Runnable due;
        synchronized (this) {
            if (--openingsRunning > 0 || end == null) {
                return;
            }
            due = end;
            end = null;
        }
        due.run();
    }
}
