package io.aldis.client.internal;

import io.aldis.protocol.api.spin.SpinWindow;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The future of one call, which lets a thread that waits for it ({@code join}, {@code get}, a
 * blocking proxy method) have the answer straight from the connection's I/O thread.
 *
 * <p>The future itself still completes on the client's callback thread, in order with the other
 * callbacks, so that no dependent ({@code thenApply}, {@code whenComplete}...) ever runs on the I/O
 * thread. But a waiting thread does not need the callback thread: while one waits, the I/O thread
 * hands it the answer as it reads it ({@link #answerEarly}), which saves the waiter a hand-over
 * between threads and the wake-up of a sleeping one. Seen from outside, the future is done from
 * that moment: {@link #isDone()} and {@link #getNow} agree with what a waiter got.
 *
 * <p>A waiter stays awake a little before it sleeps, for as long as its {@link SpinWindow} says
 * answers have been coming that soon, and only while few threads of this JVM do so.
 */
final class CallFuture<T> extends CompletableFuture<T> {
    /** An answer that is a failure, as {@link #early} holds it. */
    private record Failed(Throwable cause) {
    }

    /** Stands for a null result in {@link #early}. */
    private static final Object NULL = new Object();

    private final SpinWindow waitWindow;
    /** The answer as the I/O thread read it (a value, {@link #NULL} or {@link Failed}); null before. */
    private volatile Object early;
    /** Threads in a blocking wait for this call; the I/O thread hands over the answer only if some are. */
    private final AtomicInteger waiting = new AtomicInteger();

    /** @param waitWindow how long a waiter stays awake before it sleeps, learned from its waits */
    CallFuture(SpinWindow waitWindow) {
        this.waitWindow = waitWindow;
    }

    /** Whether a thread waits for the answer now. */
    boolean awaited() {
        return waiting.get() > 0;
    }

    /** The answer, read on the I/O thread, for the threads that wait; the future completes as before. */
    void answerEarly(Object value) {
        settleEarly(value == null ? NULL : value);
    }

    /** The same for a failed call. */
    void failEarly(Throwable cause) {
        settleEarly(new Failed(cause));
    }

    private void settleEarly(Object answer) {
        if (early != null || super.isDone()) {
            return;
        }
        early = answer;
        wakeWaiters();
    }

    @Override
    public boolean complete(T value) {
        boolean done = super.complete(value);
        wakeWaiters();
        return done;
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        boolean done = super.completeExceptionally(ex);
        wakeWaiters();
        return done;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean done = super.cancel(mayInterruptIfRunning);
        wakeWaiters();
        return done;
    }

    private void wakeWaiters() {
        if (waiting.get() > 0) {
            synchronized (waiting) {
                waiting.notifyAll();
            }
        }
    }

    @Override
    public boolean isDone() {
        return early != null || super.isDone();
    }

    @Override
    public boolean isCompletedExceptionally() {
        return super.isDone() ? super.isCompletedExceptionally() : early instanceof Failed;
    }

    @Override
    public T getNow(T valueIfAbsent) {
        Object answer = early;
        if (super.isDone() || answer == null) {
            return super.getNow(valueIfAbsent);
        }
        return unwrapForJoin(answer);
    }

    @Override
    public T join() {
        try {
            if (!awaitAnswer(Long.MAX_VALUE)) {
                throw new IllegalStateException("unreachable: a wait without a deadline ended without an answer");
            }
        } catch (InterruptedException e) {
            // join() cannot be interrupted; carry on as CompletableFuture.join does.
            Thread.currentThread().interrupt();
            return super.join();
        }
        Object answer = early;
        return super.isDone() || answer == null ? super.join() : unwrapForJoin(answer);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        awaitAnswer(Long.MAX_VALUE);
        Object answer = early;
        return super.isDone() || answer == null ? super.get() : unwrapForGet(answer);
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        long nanos = unit.toNanos(timeout);
        if (!awaitAnswer(nanos <= 0 ? 0 : System.nanoTime() + nanos)) {
            return super.get(0, TimeUnit.NANOSECONDS);
        }
        Object answer = early;
        return super.isDone() || answer == null ? super.get() : unwrapForGet(answer);
    }

    /**
     * Waits until the answer came early or the future completed; false when {@code deadline}
     * (a {@link System#nanoTime()} value, {@link Long#MAX_VALUE} for none) passed first.
     */
    private boolean awaitAnswer(long deadline) throws InterruptedException {
        if (isDone()) {
            return true;
        }
        long start = System.nanoTime();
        waiting.incrementAndGet();
        try {
            if (spinUntilAnswered(start, deadline)) {
                return true;
            }
            synchronized (waiting) {
                while (!isDone()) {
                    if (deadline == Long.MAX_VALUE) {
                        waiting.wait();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        TimeUnit.NANOSECONDS.timedWait(waiting, left);
                    }
                }
            }
            waitWindow.idleEnded(System.nanoTime() - start);
            return true;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Stays awake while the window allows, if a place among the JVM's spinning threads is free. */
    private boolean spinUntilAnswered(long start, long deadline) {
        long window = waitWindow.windowNanos();
        if (window <= 0 || !SerialExecutor.LINGERING.tryAcquire()) {
            return false;
        }
        try {
            long until = Math.min(start + window, deadline);
            while (System.nanoTime() - until < 0) {
                if (isDone()) {
                    waitWindow.idleEnded(System.nanoTime() - start);
                    return true;
                }
                Thread.yield();
            }
            return isDone();
        } finally {
            SerialExecutor.LINGERING.release();
        }
    }

    @SuppressWarnings("unchecked")
    private T unwrapForJoin(Object answer) {
        if (answer instanceof Failed failed) {
            Throwable cause = failed.cause();
            throw cause instanceof CancellationException cancelled ? cancelled
                    : cause instanceof CompletionException completion ? completion : new CompletionException(cause);
        }
        return answer == NULL ? null : (T) answer;
    }

    @SuppressWarnings("unchecked")
    private T unwrapForGet(Object answer) throws ExecutionException {
        if (answer instanceof Failed failed) {
            Throwable cause = failed.cause();
            if (cause instanceof CancellationException cancelled) {
                throw cancelled;
            }
            throw new ExecutionException(cause);
        }
        return answer == NULL ? null : (T) answer;
    }
}
