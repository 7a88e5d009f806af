package io.aldis.examples.internal.meters;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.examples.api.Reading;
import io.aldis.examples.api.Totals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class ReadingTotalsTest {

    /** A subscription that records what the subscriber asks for and hands out readings on command. */
    private static final class Source implements Flow.Subscription {
        final List<Long> requests = new ArrayList<>();
        boolean cancelled;

        @Override
        public void request(long n) {
            requests.add(n);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        long outstanding(int delivered) {
            return requests.stream().mapToLong(Long::longValue).sum() - delivered;
        }
    }

    @Test
    void totalsPerMeterAndOverall() throws Exception {
        ReadingTotals totals = new ReadingTotals();
        new SimulatedMeter("kitchen", 20).subscribe(totals);
        Totals kitchen = totals.result().toCompletableFuture().get();
        assertThat(kitchen.readings()).isEqualTo(20);
        assertThat(kitchen.wattHours()).isEqualTo(10L * 20 * 21 / 2);
        assertThat(kitchen.perMeter()).containsExactly(Map.entry("kitchen", 2100L));
    }

    @Test
    void asksForABatchAtATimeAndForTheNextOnlyOnceItTookTheLast() {
        ReadingTotals totals = new ReadingTotals();
        Source source = new Source();
        totals.onSubscribe(source);
        assertThat(source.requests).containsExactly((long) ReadingTotals.BATCH);
        for (int i = 0; i < ReadingTotals.BATCH - 1; i++) {
            totals.onNext(new Reading(i % 2 == 0 ? "hall" : "attic", 5));
        }
        assertThat(source.requests).hasSize(1);
        totals.onNext(new Reading("hall", 5));
        assertThat(source.requests).containsExactly((long) ReadingTotals.BATCH, (long) ReadingTotals.BATCH);
        assertThat(source.outstanding(ReadingTotals.BATCH)).isEqualTo(ReadingTotals.BATCH);
        totals.onComplete();
        Totals result = totals.result().toCompletableFuture().join();
        assertThat(result.perMeter().keySet()).as("meters in alphabetical order").containsExactly("attic", "hall");
        assertThat(result.wattHours()).isEqualTo(5L * ReadingTotals.BATCH);
    }

    @Test
    void aFailedStreamFailsTheResultWithTheSameFailure() {
        ReadingTotals totals = new ReadingTotals();
        totals.onSubscribe(new Source());
        IllegalStateException failure = new IllegalStateException("the caller's stream broke");
        totals.onError(failure);
        Assertions.assertThatThrownBy(() -> totals.result().toCompletableFuture().get())
                .isInstanceOf(ExecutionException.class).hasCause(failure);
    }

    @Test
    void cancellingTheResultCancelsTheSubscription() {
        ReadingTotals totals = new ReadingTotals();
        Source source = new Source();
        totals.onSubscribe(source);
        CompletableFuture<Totals> result = totals.result().toCompletableFuture();
        assertThat(source.cancelled).isFalse();
        result.cancel(true);
        assertThat(source.cancelled).isTrue();
        for (int i = 0; i < ReadingTotals.BATCH; i++) {
            totals.onNext(new Reading("hall", 1));
        }
        assertThat(source.requests).as("no more asked for after the cancel").hasSize(1);
    }

    @Test
    void aSecondSubscriptionIsCancelled() {
        ReadingTotals totals = new ReadingTotals();
        Source first = new Source();
        Source second = new Source();
        totals.onSubscribe(first);
        totals.onSubscribe(second);
        assertThat(second.cancelled).isTrue();
        assertThat(second.requests).isEmpty();
        assertThat(first.cancelled).isFalse();
    }
}
