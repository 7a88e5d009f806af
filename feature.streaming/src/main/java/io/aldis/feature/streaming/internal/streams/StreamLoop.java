package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.spi.node.Session;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one thread on which everything of a session's streams happens: its connection's event loop.
 * Frames of one stream then keep their order on the wire, and a stream's state needs no locks.
 */
public final class StreamLoop {
    private StreamLoop() {
    }

    static EventExecutor of(Session session) {
        return session.connection().channel().eventLoop();
    }

    public static boolean inLoop(Session session) {
        return of(session).inEventLoop();
    }

    /**
     * Runs {@code task} on the session's event loop, after what is queued there. When the loop is
     * gone (the transport stopped), the connection is gone too and the task runs here, so that
     * streams still end.
     */
    public static void run(Session session, Runnable task) {
        try {
            of(session).execute(task);
        } catch (RejectedExecutionException loopGone) {
            task.run();
        }
    }

    /** Runs {@code task} on the session's event loop after {@code millis}; null when the loop is gone. */
    public static ScheduledFuture<?> later(Session session, Runnable task, long millis) {
        try {
            return of(session).schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException loopGone) {
            return null;
        }
    }
}
