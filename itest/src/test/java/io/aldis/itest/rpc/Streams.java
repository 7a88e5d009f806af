package io.aldis.itest.rpc;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.stream.StreamCredit;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/** A service with streaming methods in every direction, as an application bundle would export it. */
public final class Streams {
    private Streams() {
    }

    /** The exported interface. */
    public interface Api {
        /** The numbers 0 … n-1. */
        Flow.Publisher<Integer> count(int n);

        /** The same line without end. */
        Flow.Publisher<String> forever(String line);

        /** {@code count} blocks of {@code size} bytes, block i filled with i. */
        Flow.Publisher<byte[]> blocks(int count, int size);

        /** One item, then a failure. */
        Flow.Publisher<String> failing();

        /** The sum of the caller's numbers. */
        CompletionStage<Long> sum(Flow.Publisher<Long> values);

        /** The bytes the caller sent, counted. */
        @StreamCredit(mode = CreditMode.BYTES, highWaterMark = 65536)
        CompletionStage<Long> store(String name, Flow.Publisher<byte[]> blocks);

        /** Each line back in upper case. */
        Flow.Publisher<String> shout(Flow.Publisher<String> lines);

        /** Cannot be exported: two streamed parameters. */
        Flow.Publisher<String> merge(Flow.Publisher<String> a, Flow.Publisher<String> b);
    }

    /** The implementation. */
    public static final class Impl implements Api {
        /** Counts subscriptions that were cancelled, so tests can see a producer was released. */
        public final AtomicLong cancelled = new AtomicLong();
        /** A permit for every cancelled subscription, for tests that wait for one. */
        public final java.util.concurrent.Semaphore cancels = new java.util.concurrent.Semaphore(0);
        /** Items produced so far by every generated publisher. */
        public final AtomicLong produced = new AtomicLong();

        @Override
        public Flow.Publisher<Integer> count(int n) {
            return generate(n, i -> (int) i);
        }

        @Override
        public Flow.Publisher<String> forever(String line) {
            return generate(Long.MAX_VALUE, i -> line);
        }

        @Override
        public Flow.Publisher<byte[]> blocks(int count, int size) {
            return generate(count, i -> {
                byte[] block = new byte[size];
                java.util.Arrays.fill(block, (byte) i);
                return block;
            });
        }

        @Override
        public Flow.Publisher<String> failing() {
            return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                private boolean sent;

                @Override
                public void request(long n) {
                    if (!sent) {
                        sent = true;
                        subscriber.onNext("first");
                        subscriber.onError(new IllegalStateException("disk on fire"));
                    }
                }

                @Override
                public void cancel() {
                }
            });
        }

        @Override
        public CompletionStage<Long> sum(Flow.Publisher<Long> values) {
            return fold(values, 0L, Long::sum);
        }

        @Override
        public CompletionStage<Long> store(String name, Flow.Publisher<byte[]> blocks) {
            return fold(blocks, 0L, (total, block) -> total + block.length);
        }

        @Override
        public Flow.Publisher<String> shout(Flow.Publisher<String> lines) {
            return subscriber -> lines.subscribe(new Flow.Subscriber<String>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(String line) {
                    subscriber.onNext(line.toUpperCase(Locale.ROOT));
                }

                @Override
                public void onError(Throwable failure) {
                    subscriber.onError(failure);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }

        @Override
        public Flow.Publisher<String> merge(Flow.Publisher<String> a, Flow.Publisher<String> b) {
            throw new UnsupportedOperationException();
        }

        /** Items 0 … count-1 made by {@code item}, as the subscriber asks for them. */
        private <T> Flow.Publisher<T> generate(long count, LongFunction<T> item) {
            return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
                private final AtomicLong demand = new AtomicLong();
                private final AtomicBoolean stopped = new AtomicBoolean();
                private long next;

                @Override
                public void request(long n) {
                    if (n <= 0 || demand.getAndAdd(n) > 0) {
                        return; // the thread that raised the demand from 0 is emitting
                    }
                    long remaining;
                    do {
                        long target = demand.get();
                        long emitted = 0;
                        while (emitted < target && next < count && !stopped.get()) {
                            produced.incrementAndGet();
                            subscriber.onNext(item.apply(next++));
                            emitted++;
                        }
                        if (next == count && !stopped.getAndSet(true)) {
                            subscriber.onComplete();
                            return;
                        }
                        remaining = demand.addAndGet(-emitted);
                    } while (remaining > 0 && !stopped.get());
                }

                @Override
                public void cancel() {
                    if (!stopped.getAndSet(true)) {
                        cancelled.incrementAndGet();
                        cancels.release();
                    }
                }
            });
        }

        private static <T> CompletionStage<Long> fold(Flow.Publisher<T> items, long start,
                java.util.function.BiFunction<Long, T, Long> step) {
            CompletableFuture<Long> result = new CompletableFuture<>();
            items.subscribe(new Flow.Subscriber<T>() {
                private long total = start;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(T item) {
                    total = step.apply(total, item);
                }

                @Override
                public void onError(Throwable failure) {
                    result.completeExceptionally(failure);
                }

                @Override
                public void onComplete() {
                    result.complete(total);
                }
            });
            return result;
        }
    }
}
