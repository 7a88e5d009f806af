package io.aldis.examples.internal.meters;

import io.aldis.examples.api.Reading;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The readings of a simulated meter as a {@link Flow.Publisher}: reading i (from 1) is
 * {@code 10 × i} watt-hours, and a reading is made only when the subscriber has asked for it. On
 * a stream the subscriber is the node, which asks as the caller's credit allows, so a caller that
 * stops reading stops the meter; nothing is made ahead and nothing piles up.
 *
 * <p>Each subscriber gets its own readings from the first. The rules of {@link Flow} this
 * follows, and that any hand-written publisher has to: signals to one subscriber never overlap,
 * even when {@code request} comes from several threads at once or from inside {@code onNext}
 * (the drain loop below runs on one thread at a time and never recurses); demand adds up, capped
 * at {@link Long#MAX_VALUE}; {@code request} with a number below 1 ends the subscription with
 * {@link IllegalArgumentException}; after {@code cancel} no more readings are made.
 *
 * <p>Readings are made on the thread that calls {@code request}. That is right for cheap items;
 * a publisher whose items take time (a query, a file) should make them on an executor of its own
 * instead of holding the requesting thread, which may be the node's connection thread.
 */
final class SimulatedMeter implements Flow.Publisher<Reading> {
    private final String meter;
    private final int count;

    SimulatedMeter(String meter, int count) {
        this.meter = meter;
        this.count = count;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Reading> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Emission emission = new Emission(subscriber);
        subscriber.onSubscribe(emission);
        emission.drain(); // a meter with no readings completes without being asked
    }

    /** One subscriber's readings. */
    private final class Emission implements Flow.Subscription {
        private final Flow.Subscriber<? super Reading> subscriber;
        private final AtomicLong demand = new AtomicLong();
        /** How many times drain was asked for since the running drain began; 0 when none runs. */
        private final AtomicInteger drainRequests = new AtomicInteger();
        private volatile boolean cancelled;
        private volatile IllegalArgumentException badRequest;
        /** The number of the next reading; only the draining thread touches it. */
        private int next = 1;
        private boolean done;

        Emission(Flow.Subscriber<? super Reading> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n < 1) {
                badRequest = new IllegalArgumentException("request(" + n + "): a subscriber must ask for at least 1");
            } else {
                demand.getAndAccumulate(n, (current, more) -> current + more < 0 ? Long.MAX_VALUE : current + more);
            }
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        void drain() {
            if (drainRequests.getAndIncrement() != 0) {
                return; // another thread, or an outer call on this one, is draining and will see the new demand
            }
            int missed = 1;
            do {
                if (done || cancelled) {
                    return;
                }
                if (badRequest != null) {
                    done = true;
                    subscriber.onError(badRequest);
                    return;
                }
                long wanted = demand.get();
                long sent = 0;
                while (sent < wanted && next <= count && !cancelled) {
                    subscriber.onNext(new Reading(meter, 10L * next));
                    next++;
                    sent++;
                }
                if (next > count && !cancelled) {
                    done = true;
                    subscriber.onComplete();
                    return;
                }
                if (sent > 0 && wanted != Long.MAX_VALUE) {
                    demand.addAndGet(-sent);
                }
                missed = drainRequests.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}
