package io.aldis.feature.streaming.internal.streams;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs one stream's calls into service code (its publisher's subscription, its subscriber) one
 * after the other, in the order given, on a pool shared by every stream: service code may block,
 * so it never runs on a connection's event loop, and Reactive Streams wants its signals serial.
 */
final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger("io.aldis.streaming");

    private final Executor pool;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException poolStopped) {
            // The feature is stopping: what is left runs here, so subscriptions still learn of the end.
            drain();
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (tasks) {
                task = tasks.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A stream's service code failed", e);
            }
        }
    }
}
