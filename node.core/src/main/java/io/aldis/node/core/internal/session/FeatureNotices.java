package io.aldis.node.core.internal.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Keeps one session's notices to the features in order: the features hear of its opening on the
 * workers, off the event loop, and its end waits for those notices still running or queued. A
 * feature told of the end first would release the session's state, and the late opening would
 * then set up again, for a session that is gone, what the session kept (a client's services,
 * subscriptions), where nothing would ever remove it. For the same reason no opening is told
 * once the end was. What asks the features about the session while it lives (its graceful close)
 * waits for the openings too, through {@link #openingsTold}.
 */
public final class FeatureNotices {
    private int openingsRunning;
    private Runnable end;
    private boolean ended;
    /** What waits for the openings being told, before the end. */
    private final List<Runnable> afterOpenings = new ArrayList<>();

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

    /**
     * True when no opening is being told, so that what asks the features about the session (its
     * graceful close) may ask them now; else false, and {@code whenTold} runs once the last of
     * them was told, on the thread that told it, before an end that waits for them.
     */
    public boolean openingsTold(Runnable whenTold) {
        synchronized (this) {
            if (openingsRunning == 0) {
                return true;
            }
            afterOpenings.add(whenTold);
            return false;
        }
    }

    /**
     * Ends a {@link #hold}. When it was the last, what waits for the openings and then the end, if
     * it was told meanwhile, run now on this thread.
     */
    public void release() {
        List<Runnable> due;
        Runnable dueEnd;
        synchronized (this) {
            if (--openingsRunning > 0) {
                return;
            }
            due = afterOpenings.isEmpty() ? List.of() : new ArrayList<>(afterOpenings);
            afterOpenings.clear();
            dueEnd = end;
            end = null;
        }
        try {
            for (Runnable waiting : due) {
                try {
                    waiting.run();
                } catch (RuntimeException e) {
                    NodeSession.LOG.log(System.Logger.Level.WARNING, "Work waiting for a session's opening failed", e);
                }
            }
        } finally {
            if (dueEnd != null) {
                dueEnd.run();
            }
        }
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
