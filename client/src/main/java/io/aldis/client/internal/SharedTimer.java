package io.aldis.client.internal;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The timer of every client in this JVM: call and request deadlines. A hashed wheel on one daemon
 * thread, because a deadline is armed and cancelled on every call, and a wheel only queues an
 * entry for either, where the event loop's own scheduler may wake an idle loop for each new
 * deadline. The thread runs while at least one client that armed a deadline is open.
 */
final class SharedTimer {
    private static volatile HashedWheelTimer timer;
    private static int users;

    private SharedTimer() {
    }

    /** Counts a client in; it must call {@link #release()} once when it closes. */
    static synchronized void acquire() {
        if (users++ == 0) {
            timer = new HashedWheelTimer(r -> {
                Thread t = new Thread(r, "aldis-client-deadlines");
                t.setDaemon(true);
                return t;
            }, 10, TimeUnit.MILLISECONDS, 512);
        }
    }

    static synchronized void release() {
        if (users > 0 && --users == 0) {
            timer.stop();
            timer = null;
        }
    }

    /**
     * Runs {@code task} on the timer thread after {@code delay}; the caller holds a reference.
     *
     * @throws IllegalStateException when no client holds the timer any more
     */
    static Timeout schedule(Runnable task, long delay, TimeUnit unit) {
        HashedWheelTimer current = timer;
        if (current == null) {
            throw new IllegalStateException("no client holds the timer");
        }
        return current.newTimeout(t -> task.run(), delay, unit);
    }
}
