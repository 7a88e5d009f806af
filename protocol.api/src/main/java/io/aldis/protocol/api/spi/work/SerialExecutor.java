package io.aldis.protocol.api.spi.work;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in the order given, on a pool shared by many such executors: one per
 * stream or per file transfer, so that each one's work stays in order (Reactive Streams signals,
 * the chunks of one file) while different ones run in parallel, and none runs on an event loop.
 * A task that throws is logged; the next one runs.
 */
public final class SerialExecutor implements Executor {
    /** What happens to the tasks left when the pool refuses them because it is stopping. */
    public enum WhenPoolStops {
        /** They run on the thread that hands over the task, so that those waiting hear of the end. */
        RUN_HERE,
        /** They are dropped: the owner cleans up by other means. */
        DROP
    }

    private final Executor pool;
    private final WhenPoolStops whenPoolStops;
    private final System.Logger log;
    private final String failure;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    /**
     * @param pool          the shared pool
     * @param whenPoolStops what becomes of the tasks once the pool refuses them
     * @param log           where a failed task is logged
     * @param failure       the log's words for a failed task, such as {@code "A stream's service code failed"}
     */
    public SerialExecutor(Executor pool, WhenPoolStops whenPoolStops, System.Logger log, String failure) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.whenPoolStops = Objects.requireNonNull(whenPoolStops, "whenPoolStops");
        this.log = Objects.requireNonNull(log, "log");
        this.failure = Objects.requireNonNull(failure, "failure");
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
        drainOnPool();
    }

    /**
     * Runs {@code task} on the calling thread, now, when this executor has nothing running or
     * waiting; tasks handed to it meanwhile (by {@code task} itself, or by other threads) run
     * after it, here too while {@code budgetNanos} since the start is not spent, and then on the
     * pool. The order of all tasks stays the order in which they were given, and no two ever run
     * at once.
     *
     * @return false, having run nothing, when a task is running or waiting: the caller then hands
     *         {@code task} over with {@link #execute} like any other
     */
    public boolean runHereIfIdle(Runnable task, long budgetNanos) {
        synchronized (tasks) {
            if (running) {
                return false;
            }
            running = true;
        }
        long start = System.nanoTime();
        Runnable next = task;
        while (true) {
            try {
                next.run();
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.WARNING, failure, e);
            }
            synchronized (tasks) {
                if (tasks.isEmpty()) {
                    running = false;
                    return true;
                }
                if (System.nanoTime() - start < budgetNanos) {
                    next = tasks.poll();
                    continue;
                }
            }
            // still marked running: the rest go on to the pool in order, as execute would have sent them
            drainOnPool();
            return true;
        }
    }

    /** Hands the draining of the tasks, while marked running, to the pool. */
    private void drainOnPool() {
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException poolStopped) {
            if (whenPoolStops == WhenPoolStops.RUN_HERE) {
                drain();
            } else {
                synchronized (tasks) {
                    running = false;
                    tasks.clear();
                }
            }
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
                log.log(System.Logger.Level.WARNING, failure, e);
            }
        }
    }
}
