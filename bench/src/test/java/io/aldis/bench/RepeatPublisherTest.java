package io.aldis.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The source of every benchmark stream must produce exactly what is requested, never call
 * {@code onNext} from inside {@code onNext}, and stop when cancelled: otherwise the benchmarks
 * would measure a sender that ignores credit.
 */
class RepeatPublisherTest {
    private static final byte[] ITEM = {1, 2, 3};

    /** Records what the publisher does; requests from {@code onNext} as told. */
    private static final class Recorder implements Flow.Subscriber<byte[]> {
        Flow.Subscription subscription;
        long received;
        int depth;
        int deepest;
        long requestFromOnNext;
        long cancelAfter = Long.MAX_VALUE;
        Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(byte[] item) {
            depth++;
            deepest = Math.max(deepest, depth);
            received++;
            if (received >= cancelAfter) {
                subscription.cancel();
            } else if (requestFromOnNext > 0) {
                subscription.request(requestFromOnNext);
            }
            depth--;
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
        }
    }

    @Test
    void producesExactlyWhatIsRequested() {
        AtomicLong produced = new AtomicLong();
        Recorder r = new Recorder();
        new RepeatPublisher(ITEM, produced).subscribe(r);
        assertEquals(0, r.received, "nothing before a request");
        r.subscription.request(5);
        assertEquals(5, r.received);
        r.subscription.request(3);
        assertEquals(8, r.received);
        assertEquals(8, produced.get());
        assertNull(r.error);
    }

    @Test
    void aRequestFromOnNextAddsToTheDemandWithoutRecursion() {
        Recorder r = new Recorder();
        r.requestFromOnNext = 1;
        r.cancelAfter = 10_000;
        new RepeatPublisher(ITEM, new AtomicLong()).subscribe(r);
        r.subscription.request(1);
        assertEquals(10_000, r.received, "each item's request produced the next, until the cancel");
        assertEquals(1, r.deepest, "onNext was entered from inside onNext");
    }

    @Test
    void cancelStopsAnUnboundedDemand() {
        Recorder r = new Recorder();
        r.cancelAfter = 1_000;
        new RepeatPublisher(ITEM, new AtomicLong()).subscribe(r);
        r.subscription.request(Long.MAX_VALUE);
        assertEquals(1_000, r.received);
        r.subscription.request(5);
        assertEquals(1_000, r.received, "items after the cancel");
    }

    @Test
    void aNonPositiveRequestIsAnError() {
        Recorder r = new Recorder();
        new RepeatPublisher(ITEM, new AtomicLong()).subscribe(r);
        r.subscription.request(0);
        assertInstanceOf(IllegalArgumentException.class, r.error);
        r.subscription.request(5);
        assertEquals(0, r.received, "items after the error");
    }
}
