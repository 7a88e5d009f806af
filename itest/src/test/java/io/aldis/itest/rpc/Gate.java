package io.aldis.itest.rpc;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A service whose methods wait until the test opens the gate, and which records what it saw:
 * which calls entered, and which were interrupted or had their future cancelled.
 */
public final class Gate implements GateApi {
    final CountDownLatch open = new CountDownLatch(1);
    final Semaphore entered = new Semaphore(0);
    final Set<String> interrupted = ConcurrentHashMap.newKeySet();
    final Semaphore interruptions = new Semaphore(0);
    final Map<String, CompletableFuture<String>> futures = new ConcurrentHashMap<>();
    final Semaphore cancellations = new Semaphore(0);

    @Override
    public String hold(String tag) throws InterruptedException {
        entered.release();
        try {
            if (!open.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            return tag;
        } catch (InterruptedException e) {
            interrupted.add(tag);
            interruptions.release();
            throw e;
        }
    }

    @Override
    public CompletionStage<String> later(String tag) {
        CompletableFuture<String> future = new CompletableFuture<>();
        future.whenComplete((v, t) -> {
            if (future.isCancelled()) {
                cancellations.release();
            }
        });
        futures.put(tag, future);
        entered.release();
        return future;
    }

    @Override
    public String quick(String tag) {
        return tag;
    }

    @Override
    public String thread() {
        return Thread.currentThread().getName();
    }

    /** How many calls entered a method and were not awaited with {@link #awaitEntered} yet. */
    public int entered() {
        return entered.availablePermits();
    }

    /** The tags of the calls of {@code hold} that were interrupted so far. */
    public Set<String> interruptedTags() {
        return Set.copyOf(interrupted);
    }

    /** Waits until {@code n} more calls have entered a method. */
    void awaitEntered(int n) throws InterruptedException {
        if (!entered.tryAcquire(n, 10, TimeUnit.SECONDS)) {
            throw new AssertionError("calls did not reach the service");
        }
    }

    /** Waits until a call has seen an interrupt; false if none came. */
    boolean awaitInterrupt() throws InterruptedException {
        return interruptions.tryAcquire(10, TimeUnit.SECONDS);
    }

    boolean awaitCancellation() throws InterruptedException {
        return cancellations.tryAcquire(10, TimeUnit.SECONDS);
    }
}
