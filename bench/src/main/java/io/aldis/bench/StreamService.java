package io.aldis.bench;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.stream.StreamCredit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming methods the stream benchmarks call, written as a user of the node writes them:
 * exported by {@link BenchNode} as {@code streams}. Items are raw bytes.
 */
public interface StreamService {
    /** Endless items of {@code size} bytes, produced as they are requested; credit counts items. */
    Flow.Publisher<byte[]> items(int size);

    /** The same, with credit counted in bytes. */
    @StreamCredit(mode = CreditMode.BYTES)
    Flow.Publisher<byte[]> blocks(int size);

    /** Takes the caller's items (credit: the default 64 items); answers how many came. */
    CompletionStage<Long> sink(Flow.Publisher<byte[]> items);

    /** Sends every item of the caller back as it comes (credit: the default 64 items each way). */
    Flow.Publisher<byte[]> echo(Flow.Publisher<byte[]> items);

    /** The node-side implementation. */
    final class Impl implements StreamService {
        @Override
        public Flow.Publisher<byte[]> items(int size) {
            return new RepeatPublisher(PubSubSystems.payload(size), new AtomicLong());
        }

        @Override
        public Flow.Publisher<byte[]> blocks(int size) {
            return items(size);
        }

        @Override
        public CompletionStage<Long> sink(Flow.Publisher<byte[]> items) {
            CompletableFuture<Long> count = new CompletableFuture<>();
            items.subscribe(new Flow.Subscriber<>() {
                private long n;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    // Unbounded: the node still holds no more than the method's window of items.
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(byte[] item) {
                    n++;
                }

                @Override
                public void onError(Throwable failure) {
                    count.completeExceptionally(failure);
                }

                @Override
                public void onComplete() {
                    count.complete(n);
                }
            });
            return count;
        }

        @Override
        public Flow.Publisher<byte[]> echo(Flow.Publisher<byte[]> items) {
            // The caller's items go back unchanged: the node's subscription to the result is the
            // subscription to the parameter, so the caller's credit paces both directions.
            return items;
        }
    }
}
