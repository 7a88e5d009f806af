package io.aldis.client.internal.files;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one transfer's tasks one at a time, in order, on a shared pool: a transfer's state is
 * touched only here, and its disk I/O never runs on the event loop or the callback thread. With
 * a pool that runs tasks in the caller (tests), a task queued from a task runs after it.
 */
final class TransferThread implements Executor {
    private static final System.Logger LOG = System.getLogger(TransferThread.class.getName());

    private final Executor pool;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    TransferThread(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void schedule() {
        if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.WARNING, "a file transfer task failed", e);
                }
            }
        } finally {
            running.set(false);
            schedule();
        }
    }
}
