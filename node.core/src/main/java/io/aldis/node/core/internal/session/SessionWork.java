package io.aldis.node.core.internal.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One session's inbound work: tasks run one at a time in the order they were added, on the
 * node's shared workers, at most {@value #TASKS_PER_TURN} per turn so that other sessions' work
 * gets in. Its length is what the session's PAUSE/RESUME and graceful close watch. Tasks may be
 * added from one thread at a time (the session's event loop); the count may be read anywhere.
 */
final class SessionWork {
    /** Tasks one turn on a worker runs before it hands the worker to other sessions. */
    static final int TASKS_PER_TURN = 64;

    /** Hears how the queue goes; called on the worker that ran a task, or on the adding thread. */
    interface Listener {
        /** A task ran; {@code left} are still queued. */
        void ran(int left);

        /** The workers refused the work (the node is stopping): everything queued was dropped. */
        void refused();
    }

    private final Executor workers;
    private final Listener listener;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();

    SessionWork(Executor workers, Listener listener) {
        this.workers = workers;
        this.listener = listener;
    }

    /** Queues a task; returns how many are queued now, this one included. */
    int add(Runnable task) {
        tasks.add(task);
        int now = queued.incrementAndGet();
        scheduleTurn();
        return now;
    }

    /** Tasks queued or running. */
    int queued() {
        return queued.get();
    }

    private void scheduleTurn() {
        if (draining.compareAndSet(false, true)) {
            try {
                workers.execute(this::turn);
            } catch (RejectedExecutionException stopping) {
                draining.set(false);
                tasks.clear();
                queued.set(0);
                listener.refused();
            }
        }
    }

    private void turn() {
        Runnable task;
        int ran = 0;
        while ((task = tasks.poll()) != null) {
            task.run();
            listener.ran(queued.decrementAndGet());
            if (++ran == TASKS_PER_TURN) {
                break;
            }
        }
        draining.set(false);
        if (!tasks.isEmpty()) {
            scheduleTurn();
        }
    }
}
