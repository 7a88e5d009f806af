package io.aldis.feature.rpc.internal.export;

import io.aldis.protocol.api.spin.SpinWindow;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run service methods: at most {@code maxThreads} of them over one queue of at
 * most {@code capacity} waiting tasks.
 *
 * <p>Unlike a {@code ThreadPoolExecutor}, which wakes a parked thread for every task it is given,
 * this pool wakes one only when no thread is awake and looking for work. The event loop hands over
 * the requests of one read in a burst; one woken thread takes the first, and wakes the next
 * thread only if tasks still wait when it starts one. Short methods are then run back to back by
 * the few threads that are awake, where each one used to cost a wake-up and a park, which was most
 * of the node's CPU with many small calls. A method that blocks still gets the waiting tasks
 * another thread, as the thread that takes a task wakes the next one while tasks wait.
 *
 * <p>A thread that runs out of work may first stay awake for a while, giving up its processor to
 * any other thread that is ready, before it parks; one thread at a time does so. Where waking a
 * parked thread is slow, as on virtual machines whose idle processors halt, a caller that sends
 * its next call soon after the answer to the last finds a thread awake. How long it stays awake is
 * learned by a {@link SpinWindow} from how soon calls came after the pool last ran out of work,
 * within a cap ({@link #spinBeforePark}): a pool whose calls come further apart than the cap parks
 * at once and spends nothing.
 *
 * <p>The tasks are usually {@link java.util.concurrent.FutureTask}s, which interrupt their runner
 * only while they run and wait for that interrupt to land before they return; the pool clears the
 * interrupt status after each task, so a cancel never reaches the next one.
 */
final class WorkerPool {
    private static final System.Logger LOG = System.getLogger("io.aldis.rpc");
    private final ThreadFactory threadFactory;
    private final long keepAliveNanos;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Tasks in the queue; may briefly count one a submitter is about to take back. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger threads = new AtomicInteger();
    /** Threads awake without a task, and threads woken or started that have not looked yet. */
    private final AtomicInteger searching = new AtomicInteger();
    /** Parked threads; the last parked is woken first, its caches are the warmest. */
    private final ConcurrentLinkedDeque<Worker> parked = new ConcurrentLinkedDeque<>();
    private volatile int maxThreads;
    private volatile int capacity;
    private volatile boolean shutdown;
    private final SpinWindow spinWindow;
    /** Set while one idle thread stays awake before parking. */
    private final AtomicBoolean spinning = new AtomicBoolean();
    /** When a thread last ran out of work, until the next task comes; {@link #NOT_IDLE} meanwhile. */
    private final AtomicLong idleSince = new AtomicLong(NOT_IDLE);
    private static final long NOT_IDLE = Long.MIN_VALUE;

    WorkerPool(int maxThreads, int capacity, long keepAlive, TimeUnit unit, ThreadFactory threadFactory) {
        this(maxThreads, capacity, keepAlive, unit, threadFactory, new SpinWindow(0, TimeUnit.NANOSECONDS));
    }

    /** A pool whose idle threads stay awake as long as {@code spinWindow} says. */
    WorkerPool(int maxThreads, int capacity, long keepAlive, TimeUnit unit, ThreadFactory threadFactory,
            SpinWindow spinWindow) {
        this.threadFactory = threadFactory;
        this.spinWindow = spinWindow;
        this.keepAliveNanos = unit.toNanos(keepAlive);
        resize(maxThreads, capacity);
    }

    /**
     * Changes the limits. Extra threads end after their current task; tasks that already wait
     * stay queued when the capacity shrinks.
     */
    void resize(int newMaxThreads, int newCapacity) {
        if (newMaxThreads < 1 || newCapacity < 1) {
            throw new IllegalArgumentException("a worker pool needs a thread and a queue slot");
        }
        this.maxThreads = newMaxThreads;
        this.capacity = newCapacity;
        // threads that can start now serve tasks that wait
        if (!queue.isEmpty() && searching.get() == 0) {
            wakeOne();
        }
    }

    /**
     * The longest a thread that finds no work stays awake before it parks, when no other idle
     * thread does; 0 to park at once. Takes effect at once, also for a thread that is staying awake
     * already.
     */
    void spinBeforePark(long cap, TimeUnit unit) {
        spinWindow.cap(cap, unit);
    }

    /** Queues {@code task}; false when {@code capacity} tasks wait already or the pool is shut down. */
    boolean execute(Runnable task) {
        if (shutdown) {
            return false;
        }
        if (waiting.incrementAndGet() > capacity) {
            waiting.decrementAndGet();
            return false;
        }
        queue.offer(task);
        workCame();
        // A thread that is looking sees the task: it polls the queue after it stops counting as
        // searching (see Worker#run).
        if (searching.get() == 0) {
            wakeOne();
        }
        return true;
    }

    /** Stops taking tasks, drops the waiting ones and lets the threads end. */
    void shutdown() {
        shutdown = true;
        queue.clear();
        Worker w;
        while ((w = parked.pollFirst()) != null) {
            w.signal();
        }
    }

    int threads() {
        return threads.get();
    }

    /** Ends the idle spell, if one is open, and teaches its length to the spin window. */
    private void workCame() {
        long since = idleSince.get();
        if (since != NOT_IDLE && idleSince.compareAndSet(since, NOT_IDLE)) {
            spinWindow.idleEnded(System.nanoTime() - since);
        }
    }

    private void wakeOne() {
        Worker w = parked.pollFirst();
        if (w != null) {
            searching.incrementAndGet();
            w.signal();
            return;
        }
        int n;
        do {
            n = threads.get();
            if (n >= maxThreads || shutdown) {
                return;
            }
        } while (!threads.compareAndSet(n, n + 1));
        searching.incrementAndGet();
        Worker started = new Worker();
        try {
            started.thread = threadFactory.newThread(started);
            started.thread.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            searching.decrementAndGet();
            threads.decrementAndGet();
            throw e;
        }
    }

    private final class Worker implements Runnable {
        Thread thread;
        private volatile boolean signalled;

        void signal() {
            signalled = true;
            LockSupport.unpark(thread);
        }

        @Override
        public void run() {
            // Started counted as searching, as a woken thread is.
            while (!shutdown) {
                Runnable task = queue.poll();
                if (task != null) {
                    // a task offered just before this thread marked the pool idle ends that spell here
                    workCame();
                    waiting.decrementAndGet();
                    if (searching.decrementAndGet() == 0 && !queue.isEmpty()) {
                        wakeOne();
                    }
                    runTask(task);
                    if (threads.get() > maxThreads && retire()) {
                        return;
                    }
                    searching.incrementAndGet();
                    continue;
                }
                idleSince.compareAndSet(NOT_IDLE, System.nanoTime());
                if (spinWindow.windowNanos() > 0 && spinning.compareAndSet(false, true) && spinUntilWorkArrives()) {
                    continue;
                }
                parked.push(this);
                // A task offered after the poll above by a submitter that still saw this thread
                // searching: take it rather than leave it until the next submission.
                if (searching.decrementAndGet() == 0 && !queue.isEmpty() && parked.remove(this)) {
                    searching.incrementAndGet();
                    continue;
                }
                if (!awaitSignal()) {
                    return;
                }
            }
            threads.decrementAndGet();
        }

        private void runTask(Runnable task) {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "An RPC worker task failed", e);
            } finally {
                // a cancel's interrupt belongs to the task it was meant for
                Thread.interrupted();
            }
        }

        /**
         * Stays awake, still counted as searching, so that a submitter leaves the task to this
         * thread instead of waking one; true if a task came.
         */
        private boolean spinUntilWorkArrives() {
            try {
                long start = System.nanoTime();
                while (queue.isEmpty()) {
                    if (shutdown || System.nanoTime() - start >= spinWindow.windowNanos()) {
                        return false;
                    }
                    // not a busy loop: threads that are ready on this processor go first
                    Thread.yield();
                }
                return true;
            } finally {
                spinning.set(false);
            }
        }

        /** Waits until woken (true: counted as searching again) or retired after the keep-alive time. */
        private boolean awaitSignal() {
            long deadline = System.nanoTime() + keepAliveNanos;
            // shutdown is read after this thread was pushed, so either it is seen here or the
            // shutdown signals this thread
            while (!signalled && !shutdown) {
                long left = deadline - System.nanoTime();
                if (left <= 0 && parked.remove(this)) {
                    threads.decrementAndGet();
                    // a task may have come while this thread still counted, with nobody to start another
                    if (!queue.isEmpty() && searching.get() == 0) {
                        wakeOne();
                    }
                    return false;
                }
                // past the deadline but taken off the stack: a signal is on its way
                LockSupport.parkNanos(this, Math.max(left, TimeUnit.MILLISECONDS.toNanos(1)));
                Thread.interrupted();
            }
            signalled = false;
            return true;
        }

        /** Ends this thread if the pool has too many after a shrink; false if another one did. */
        private boolean retire() {
            int n;
            do {
                n = threads.get();
                if (n <= maxThreads) {
                    return false;
                }
            } while (!threads.compareAndSet(n, n - 1));
            if (!queue.isEmpty() && searching.get() == 0) {
                wakeOne();
            }
            return true;
        }
    }
}
