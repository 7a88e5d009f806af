package io.aldis.examples.internal.meters;

import io.aldis.examples.api.Reading;
import io.aldis.examples.api.Totals;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Totals the readings of one call as a {@link Flow.Subscriber}, and completes {@link #result()}
 * when the caller has sent them all.
 *
 * <p>It asks for {@value #BATCH} readings at a time and for the next batch once it has taken
 * them. On a stream, what a subscriber asks for is what the node grants the caller as credit
 * (never more than the method's high-water mark), so a subscriber that is slow to ask holds the
 * caller back instead of letting readings pile up in the node.
 *
 * <p>A failure of the caller's stream, such as a reading that breaks {@link Reading}'s
 * constraints ({@code InvalidParamsException}), or the call's cancellation, arrives in
 * {@link #onError}; passing it on to the result lets the node answer the call with the matching
 * error ({@code INVALID_PARAMS} for a bad reading). When the node gives up on the call first (its
 * deadline passed, or the caller cancelled it) it cancels the result, and the subscription is
 * cancelled with it so that no further readings are taken.
 */
final class ReadingTotals implements Flow.Subscriber<Reading> {
    /** How many readings are asked for at a time. */
    static final int BATCH = 16;

    private final CompletableFuture<Totals> result = new CompletableFuture<>();
    private final Map<String, Long> perMeter = new HashMap<>();
    private Flow.Subscription subscription;
    private long readings;
    private long wattHours;
    private int takenOfBatch;
    private boolean stopped;

    /** The totals, once the caller's readings ended; failed when they failed. */
    CompletionStage<Totals> result() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        if (this.subscription != null) {
            subscription.cancel(); // a subscriber serves one subscription only
            return;
        }
        this.subscription = subscription;
        result.whenComplete((totals, failure) -> {
            if (result.isCancelled()) {
                stop();
            }
        });
        askForMore();
    }

    @Override
    public void onNext(Reading reading) {
        readings++;
        wattHours += reading.wattHours();
        perMeter.merge(reading.meter(), reading.wattHours(), Long::sum);
        if (++takenOfBatch == BATCH) {
            takenOfBatch = 0;
            askForMore();
        }
    }

    // request and cancel must not overlap (a rule of Flow), and the cancel comes on whichever
    // thread cancelled the result, while request comes from onNext: one lock orders them.
    private synchronized void askForMore() {
        if (!stopped) {
            subscription.request(BATCH);
        }
    }

    private synchronized void stop() {
        stopped = true;
        subscription.cancel();
    }

    @Override
    public void onError(Throwable failure) {
        result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        result.complete(new Totals(readings, wattHours, perMeter));
    }
}
