package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.spin.SpinWindow;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CallFutureTest {
    private static CallFuture<String> future(long spinMicros) {
        return new CallFuture<>(new SpinWindow(spinMicros, TimeUnit.MICROSECONDS));
    }

    /** Starts a thread that waits in {@code join()} and returns what it got, once it waits. */
    private static CompletableFuture<Object> waiter(CallFuture<String> call) throws InterruptedException {
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                got.complete(call.join());
            } catch (RuntimeException e) {
                got.complete(e);
            }
        });
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!call.awaited() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(call.awaited()).as("the thread waits").isTrue();
        return got;
    }

    @Test
    void aWaitingThreadGetsTheEarlyAnswerWhileTheFutureItselfIsNotCompletedYet() throws Exception {
        for (long spin : new long[] {0, 200}) {
            CallFuture<String> call = future(spin);
            CompletableFuture<String> dependent = call.thenApply(v -> v + "!");
            CompletableFuture<Object> got = waiter(call);

            call.answerEarly("answer");

            assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("answer");
            assertThat(call.isDone()).isTrue();
            assertThat(call.getNow("none")).isEqualTo("answer");
            assertThat(call.get()).isEqualTo("answer");
            assertThat(call.get(0, TimeUnit.SECONDS)).isEqualTo("answer");
            // Dependents wait for the completion proper, which the callback thread makes.
            assertThat(dependent).isNotDone();
            call.complete("answer");
            assertThat(dependent.get(10, TimeUnit.SECONDS)).isEqualTo("answer!");
            assertThat(call.awaited()).isFalse();
        }
    }

    @Test
    void aNullAnswerIsAnAnswer() throws Exception {
        CallFuture<String> call = future(0);
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                got.complete(String.valueOf(call.get(10, TimeUnit.SECONDS)));
            } catch (Exception e) {
                got.complete(e);
            }
        });
        t.start();
        while (!call.awaited()) {
            Thread.sleep(1);
        }
        call.answerEarly(null);
        assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("null");
        assertThat(call.getNow("none")).isNull();
    }

    @Test
    void anEarlyFailureIsThrownAsCompletableFutureWouldThrowIt() throws Exception {
        CallFuture<String> call = future(0);
        CompletableFuture<Object> got = waiter(call);
        IllegalStateException cause = new IllegalStateException("refused");

        call.failEarly(cause);

        assertThat(got.get(10, TimeUnit.SECONDS)).isInstanceOf(CompletionException.class)
                .extracting(e -> ((Throwable) e).getCause()).isSameAs(cause);
        assertThat(call.isDone()).isTrue();
        assertThat(call.isCompletedExceptionally()).isTrue();
        assertThatThrownBy(call::get).isInstanceOf(ExecutionException.class).hasCause(cause);
        assertThatThrownBy(() -> call.getNow("none")).isInstanceOf(CompletionException.class).hasCause(cause);
    }

    @Test
    void theNormalCompletionAndCancellationWakeWaitersToo() throws Exception {
        CallFuture<String> answered = future(0);
        CompletableFuture<Object> got = waiter(answered);
        answered.complete("late");
        assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("late");

        CallFuture<String> cancelled = future(0);
        CompletableFuture<Object> woken = waiter(cancelled);
        cancelled.cancel(false);
        assertThat(woken.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
    }

    @Test
    void aTimedWaitEndsWithoutAnAnswerAndLeavesNoWaiter() {
        CallFuture<String> call = future(200);
        assertThatThrownBy(() -> call.get(20, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(call.awaited()).isFalse();
        assertThat(call.isDone()).isFalse();
    }

    @Test
    void anInterruptedGetThrowsAndAnInterruptedJoinKeepsWaiting() throws Exception {
        CallFuture<String> call = future(0);
        CompletableFuture<Object> got = new CompletableFuture<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            started.countDown();
            try {
                got.complete(call.get());
            } catch (Exception e) {
                got.complete(e);
            }
        });
        t.start();
        started.await();
        while (!call.awaited()) {
            Thread.sleep(1);
        }
        t.interrupt();
        assertThat(got.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);

        CallFuture<String> joinedCall = future(0);
        CompletableFuture<Object> joined = new CompletableFuture<>();
        Thread joiner = new Thread(() -> {
            String value = joinedCall.join();
            joined.complete(value + (Thread.currentThread().isInterrupted() ? ", interrupted" : ""));
        });
        joiner.start();
        while (!joinedCall.awaited()) {
            Thread.sleep(1);
        }
        joiner.interrupt();
        joinedCall.answerEarly("after all");
        joinedCall.complete("after all");
        assertThat(joined.get(10, TimeUnit.SECONDS)).isEqualTo("after all, interrupted");
    }
}
