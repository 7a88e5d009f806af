package io.aldis.node.core.internal.session;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Keeps one session's notices to the features in order: the features hear of its opening on the
 * workers, off the event loop, and its end waits for those notices still running or queued. A
 * feature told of the end first would release the session's state, and the late opening would
 * then set up again, for a session that is gone, what the session kept (a client's services,
 * subscriptions), where nothing would ever remove it. For the same reason no opening is told
 * once the end was.
 */
public final class FeatureNotices {
    private int openingsRunning;
    private Runnable end;
    private boolean ended;

    /**
     * Tells a feature of the opening on {@code workers}; false, and nothing is told, once the end
     * was told or is waiting to be.
     *
     * @throws RejectedExecutionException when the workers no longer take work (the node stops)
     */
    public boolean opening(Executor workers, Runnable notice) {
        if (!hold()) {
            return false;
        }
        try {
            workers.execute(new Opening(notice));
        } catch (RejectedExecutionException stopping) {
            release();
            throw stopping;
        }
        return true;
    }

    /**
     * Holds the end back while the caller tells a feature of the opening itself, until
     * {@link #release}; false, and nothing is held, once the end was told or is waiting to be.
     */
    public boolean hold() {
        synchronized (this) {
            if (ended) {
                return false;
            }
            openingsRunning++;
            return true;
        }
    }

    /** Ends a {@link #hold}: the end, if it waits for nothing else, is told now on this thread. */
    public void release() {
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

    /** Runs {@code notice} now, or once the openings told before it have run; only the first end counts. */
    public void end(Runnable notice) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            if (openingsRunning > 0) {
                end = notice;
                return;
            }
        }
        notice.run();
    }

    /**
     * An opening notice queued on the workers. One the workers drop unrun (the node stopping) must
     * be {@linkplain #skip skipped}, so that the end it holds back is told all the same.
     */
    public final class Opening implements Runnable {
        private final Runnable notice;

        private Opening(Runnable notice) {
            this.notice = notice;
        }

        @Override
        public void run() {
            try {
                notice.run();
            } finally {
                release();
            }
        }

        /** Counts the notice as told without telling it. */
        public void skip() {
            release();
        }
    }
}
