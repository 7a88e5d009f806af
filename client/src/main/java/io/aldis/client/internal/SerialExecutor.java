package io.aldis.client.internal;

import io.aldis.protocol.api.spin.SpinWindow;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs tasks one at a time in submission order on a shared pool, so that each client delivers its
 * callbacks in order without owning a thread (thousands of clients in one JVM are normal in
 * benchmarks).
 *
 * <p>A pool thread that has run out of this executor's tasks may keep looking for the next one a
 * little while before it returns to the pool, as long as a {@link SpinWindow} says tasks have been
 * following each other that soon: handing a task to a sleeping pool thread costs a wake-up, tens
 * of microseconds on a virtual machine, which is more than an answer to a call takes to arrive on
 * loopback. Few threads linger at once ({@link #MAX_LINGERING}), however many clients there are.
 *
 * <p>Given a {@link CallbackPlacement}, the executor runs its tasks on the I/O thread that submits
 * them while the placement says they are prompt there, and on the shared pool otherwise; its pool
 * threads do not linger while the tasks belong on the I/O thread.
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

    /** Pool threads that may linger at once, over all executors of this JVM. */
    static final int MAX_LINGERING = SpinWindow.SPINNERS_AT_ONCE;
    /** Permits to linger; package-visible so that tests can wait for the threads of earlier ones to stop. */
    static final Semaphore LINGERING = new Semaphore(MAX_LINGERING);
    private static final long NOT_IDLE = Long.MIN_VALUE;

    private final Executor delegate;
    /** Judges whether tasks run on the I/O thread that submits them; null when the delegate decides. */
    private final CallbackPlacement placement;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final SpinWindow lingerWindow;
    /** The thread running this executor's tasks now, if any. */
    private volatile Thread drainer;
    /** When the last drain on the pool ended, until the next task comes. */
    private final AtomicLong idleSince = new AtomicLong(NOT_IDLE);

    /**
     * Runs tasks on {@code delegate}, which may be an executor that runs them in the calling
     * thread; a drain on the shared pool lingers for at most {@code maxLinger}.
     */
    SerialExecutor(Executor delegate, Duration maxLinger) {
        this(delegate, new SpinWindow(maxLinger.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** Runs tasks on {@code delegate}; a drain on the shared pool lingers as {@code lingerWindow} says. */
    SerialExecutor(Executor delegate, SpinWindow lingerWindow) {
        this(delegate, null, lingerWindow);
    }

    /**
     * Runs tasks on the I/O thread that submits them while {@code placement} says so, and on the
     * shared pool otherwise (tasks from other threads always); a drain on the pool lingers for at
     * most {@code maxLinger}, and only while the tasks belong there.
     */
    SerialExecutor(CallbackPlacement placement, Duration maxLinger) {
        this(SHARED, placement, new SpinWindow(maxLinger.toNanos(), TimeUnit.NANOSECONDS));
    }

    private SerialExecutor(Executor delegate, CallbackPlacement placement, SpinWindow lingerWindow) {
        this.delegate = delegate;
        this.placement = placement;
        this.lingerWindow = lingerWindow;
    }

    @Override
    public void execute(Runnable task) {
        execute(task, true);
    }

    /**
     * Queues {@code task}; with {@code mayRunHere} false the tasks are never run by the calling
     * thread, even when the delegate would do so: they reach the delegate by way of the shared pool
     * (for callers that hold a lock user code must not run under).
     */
    void execute(Runnable task, boolean mayRunHere) {
        tasks.add(task);
        workCame();
        if (mayRunHere && placement != null && placement.mayRunHere()) {
            if (running.compareAndSet(false, true)) {
                drainHere();
            }
            return;
        }
        if (mayRunHere || delegate == SHARED) {
            schedule(mayRunHere ? delegate : SHARED);
        } else {
            // Not in this thread, but still where the application wants its callbacks.
            SHARED.execute(() -> schedule(delegate));
        }
    }

    /** Ends the idle spell, if one is open, and teaches its length to the linger window. */
    private void workCame() {
        long since = idleSince.get();
        if (since != NOT_IDLE && idleSince.compareAndSet(since, NOT_IDLE)) {
            lingerWindow.idleEnded(System.nanoTime() - since);
        }
    }

    private void schedule(Executor on) {
        if (!tasks.isEmpty() && running.compareAndSet(false, true)) {
            // Only the pool's own threads linger: a delegate's thread (an event loop) is not ours to hold.
            on.execute(on == SHARED ? this::drainAndLinger : this::drain);
        }
    }

    private void drain() {
        drain(false);
    }

    private void drainAndLinger() {
        drain(true);
    }

    /**
     * Runs the tasks on the calling I/O thread, timing each; after one that ran too long, the rest
     * go to the pool.
     */
    private void drainHere() {
        workCame();
        drainer = Thread.currentThread();
        try {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                if (placement.ranHere(runTimed(task))) {
                    break;
                }
            }
            idleSince.set(System.nanoTime());
        } finally {
            drainer = null;
            running.set(false);
            schedule(SHARED);
        }
    }

    private void drain(boolean mayLinger) {
        // A task added after the last poll but before the flag was cleared found the executor
        // running and left itself to this drain: it runs here, where the delegate runs every
        // other task (the shared pool would put it on a thread the application did not choose).
        do {
            drainUntilIdle(mayLinger);
        } while (!tasks.isEmpty() && running.compareAndSet(false, true));
    }

    private void drainUntilIdle(boolean mayLinger) {
        // a task added just before the last drain marked this executor idle ends that spell here
        workCame();
        drainer = Thread.currentThread();
        try {
            for (;;) {
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    if (placement == null) {
                        run(task);
                    } else {
                        placement.ranOnPool(runTimed(task));
                    }
                }
                long idle = System.nanoTime();
                // While the tasks belong on the I/O thread, a lingering pool thread would only take them from it.
                if (!mayLinger || (placement != null && !placement.poolMayLinger()) || !lingerForTask(idle)) {
                    idleSince.set(idle);
                    break;
                }
                lingerWindow.idleEnded(System.nanoTime() - idle);
            }
        } finally {
            drainer = null;
            running.set(false);
        }
    }

    /** Whether the calling thread is running one of this executor's tasks. */
    boolean runsTaskOnCallingThread() {
        return drainer == Thread.currentThread();
    }

    /**
     * A task that runs several callbacks, such as the handling of every frame of one read, and
     * times each itself: it is judged by the longest of them, not by their sum, so that a large
     * read of prompt callbacks stays where it is and a slow one among them does not hide.
     */
    interface Batch extends Runnable {
        /** The longest any of its callbacks took in its last run. */
        long longestNanos();
    }

    /** Runs {@code task} and gives the time it is judged by; a batch times itself, so the clock is read here only for others. */
    private static long runTimed(Runnable task) {
        if (task instanceof Batch b) {
            run(b);
            return b.longestNanos();
        }
        long start = System.nanoTime();
        run(task);
        return System.nanoTime() - start;
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "client callback failed", e);
        }
    }

    /** Waits awake, yielding, for a task within the learned window; true if one came. */
    private boolean lingerForTask(long idleFrom) {
        if (lingerWindow.windowNanos() == 0) {
            return false;
        }
        if (!LINGERING.tryAcquire()) {
            return false;
        }
        try {
            while (tasks.isEmpty()) {
                // read each time, so that a lowered cap ends the wait at once
                if (System.nanoTime() - idleFrom >= lingerWindow.windowNanos()) {
                    return false;
                }
                Thread.yield();
            }
            return true;
        } finally {
            LINGERING.release();
        }
    }
}
