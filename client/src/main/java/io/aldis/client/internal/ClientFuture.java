package io.aldis.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * A future of the client that refuses to be waited for where it could never complete: in one of
 * the client's callbacks, which run one at a time, so the answer is handled only after the waiting
 * callback returns, or on the connection's I/O thread, which would have to read the answer.
 * Such a wait would hang the callback for good, and on the I/O thread the connection with it, so
 * it fails at once and names the way out. The futures derived from it ({@code thenApply} and the
 * rest) refuse the same way.
 */
final class ClientFuture<T> extends CompletableFuture<T> {
    static final String WAIT_IN_CALLBACK = "a client's callback cannot wait for an answer of the same client: "
            + "answers are handled one at a time after the callback returns; chain on the future "
            + "(thenAccept, thenCompose) or wait on a thread of your own";

    private final BooleanSupplier waitNeverEnds;

    /** @param waitNeverEnds whether the calling thread is one that must go on for the future to complete */
    ClientFuture(BooleanSupplier waitNeverEnds) {
        this.waitNeverEnds = waitNeverEnds;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new ClientFuture<>(waitNeverEnds);
    }

    @Override
    public T join() {
        refuseHopelessWait();
        return super.join();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        refuseHopelessWait();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        refuseHopelessWait();
        return super.get(timeout, unit);
    }

    private void refuseHopelessWait() {
        // Derived stages too, even once the client's future is done: thenCompose may have put
        // another answer of the client behind them, and no wait here can be told apart from that.
        if (!isDone() && waitNeverEnds.getAsBoolean()) {
            throw new IllegalStateException(WAIT_IN_CALLBACK);
        }
    }
}
