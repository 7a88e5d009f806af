package io.aldis.client.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time in submission order on a shared pool, so that each client delivers its
 * callbacks in order without owning a thread (thousands of clients in one JVM are normal in
 * benchmarks).
 */
final class SerialExecutor implements Executor {
    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Cached so that a listener that blocks costs a thread, not the callbacks of every other client. */
    static final ExecutorService SHARED = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "aldis-client-callbacks-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final Executor delegate;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    /** Runs tasks on {@code delegate}, which may be an executor that runs them in the calling thread. */
    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public void execute(Runnable task) {
        execute(task, true);
    }

    /**
     * Queues {@code task}; with {@code mayRunHere} false the tasks are never run by the calling
     * thread, even when the delegate would do so, but on the shared pool (for callers that hold a
     * lock user code must not run under).
     */
    void execute(Runnable task, boolean mayRunHere) {
        tasks.add(task);
        schedule(mayRunHere ? delegate : SHARED);
    }

    private void schedule(Executor on) {
        if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
            on.execute(this::drain);
        }
    }

    private void drain() {
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.WARNING, "client callback failed", e);
                }
            }
        } finally {
            running.set(false);
            // A task may have been added after the last poll but before the flag was cleared;
            // it goes to the pool, as this thread may be a caller's that is done here.
            schedule(SHARED);
        }
    }
}
