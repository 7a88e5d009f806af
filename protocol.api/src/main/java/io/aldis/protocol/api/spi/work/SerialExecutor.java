package io.aldis.protocol.api.spi.work;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs tasks one at a time, in the order given, on a pool shared by many such executors: one per
 * stream or per file transfer, so that each one's work stays in order (Reactive Streams signals,
 * the chunks of one file) while different ones run in parallel, on the pool's threads, or, through
 * {@link #runHereIfIdle}, on the caller's. A task that throws (an exception or an error, such as a
 * class missing after a bundle's refresh) is logged; the next one runs.
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

    /** The thread running a task through {@link #runHereIfIdle} now, else null. */
    private Thread runningHere;

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            // given by the task running here: it may follow that task here (see runHereIfIdle)
            tasks.add(runningHere == Thread.currentThread() ? new GivenHere(task) : task);
            if (running) {
                return;
            }
            running = true;
        }
        drainOnPool();
    }

    /**
     * Runs {@code task} on the calling thread, now, when this executor has nothing running or
     * waiting. Tasks that {@code task} itself hands over meanwhile follow it on this thread while
     * {@code budgetNanos} since the start is not spent; the rest, and those other threads hand
     * over meanwhile, run on the pool after them. The order of all tasks stays the order in which
     * they were given, and no two ever run at once.
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
            runningHere = Thread.currentThread();
        }
        long start = System.nanoTime();
        Runnable next = task;
        boolean done = false;
        try {
            while (true) {
                runLogged(next);
                synchronized (tasks) {
                    if (tasks.isEmpty()) {
                        running = false;
                        runningHere = null;
                        done = true;
                        return true;
                    }
                    if (tasks.peek() instanceof GivenHere && System.nanoTime() - start < budgetNanos) {
                        next = tasks.poll();
                        continue;
                    }
                    runningHere = null;
                }
                // still marked running: the rest go on to the pool in order, as execute would have sent them
                done = true;
                drainOnPool();
                return true;
            }
        } finally {
            if (!done) {
                // an error the log could not take: the tasks still go on, on the pool
                synchronized (tasks) {
                    runningHere = null;
                }
                drainOnPool();
            }
        }
    }

    private void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            log.log(System.Logger.Level.WARNING, failure, e);
        }
    }

    /** A task handed over by the task that runs through {@link #runHereIfIdle}. */
    private record GivenHere(Runnable task) implements Runnable {
        @Override
        public void run() {
            task.run();
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
            runLogged(task);
        }
    }
}
