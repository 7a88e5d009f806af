package io.aldis.feature.rpc.internal.streams;

import java.util.Objects;
import java.util.concurrent.Flow;

/**
 * A publisher of another's items, each turned into something else by a function: the JSON bytes
 * of a service's items on their way to a stream, or the values of a caller's items on their way to
 * a service. Demand and cancellation pass straight through. A function that fails cancels the
 * source and fails the subscriber, once.
 */
public final class MappedPublisher<A, B> implements Flow.Publisher<B> {
    /** A mapping that may fail with a message in the protocol's words. */
    @FunctionalInterface
    public interface Mapping<A, B> {
        B apply(A item) throws Exception;
    }

    private final Flow.Publisher<? extends A> source;
    private final Mapping<? super A, ? extends B> mapping;

    public MappedPublisher(Flow.Publisher<? extends A> source, Mapping<? super A, ? extends B> mapping) {
        this.source = Objects.requireNonNull(source, "source");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
    }

    @Override
    public void subscribe(Flow.Subscriber<? super B> subscriber) {
        source.subscribe(new Mapper<>(subscriber, mapping));
    }

    private static final class Mapper<A, B> implements Flow.Subscriber<A> {
        private final Flow.Subscriber<? super B> downstream;
        private final Mapping<? super A, ? extends B> mapping;
        private Flow.Subscription upstream;
        private boolean failed;

        Mapper(Flow.Subscriber<? super B> downstream, Mapping<? super A, ? extends B> mapping) {
            this.downstream = downstream;
            this.mapping = mapping;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            downstream.onSubscribe(subscription);
        }

        @Override
        public void onNext(A item) {
            if (failed) {
                return;
            }
            B mapped;
            try {
                mapped = mapping.apply(item);
            } catch (Exception e) {
                failed = true;
                upstream.cancel();
                downstream.onError(e);
                return;
            }
            downstream.onNext(mapped);
        }

        @Override
        public void onError(Throwable failure) {
            if (!failed) {
                failed = true;
                downstream.onError(failure);
            }
        }

        @Override
        public void onComplete() {
            if (!failed) {
                downstream.onComplete();
            }
        }
    }
}
