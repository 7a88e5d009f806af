package io.aldis.itest.conformance;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link Arithmetic} whose {@link #hold} waits for the test: a rule arms it, waits until the
 * call is running, does what it checks with the call in flight, then releases it.
 */
public final class HeldArithmetic implements Arithmetic {
    private volatile CountDownLatch entered = new CountDownLatch(1);
    private volatile CountDownLatch release = new CountDownLatch(1);

    @Override
    public int add(int a, int b) {
        return a + b;
    }

    @Override
    public String hold() throws InterruptedException {
        entered.countDown();
        // Bounded so that a rule that fails before releasing does not keep a worker for ever.
        release.await(30, TimeUnit.SECONDS);
        return "released";
    }

    /** Makes the next {@link #hold} wait again. */
    void arm() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    /** Waits until a {@link #hold} call is running. */
    void awaitEntered() {
        try {
            if (!entered.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the held call never started");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    void release() {
        release.countDown();
    }
}
