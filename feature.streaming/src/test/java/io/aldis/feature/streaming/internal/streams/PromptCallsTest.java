package io.aldis.feature.streaming.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A service's publisher is asked for items on the event loop while its requests return within
 * {@code publisherOnLoopMicros}; requests past it (the first is forgiven) move its method's
 * requests to the workers, for this stream and every later one, and leaves other methods on the loop. A subscriber is always
 * given its items on the workers.
 */
class PromptCallsTest {
    /** Far above what a prompt call takes on a busy machine, so the test never depends on timing. */
    private static final int LIMIT_MICROS = 200_000;

    private final StreamRig rig = new StreamRig(StreamingSettings.defaults().withPublisherOnLoopMicros(LIMIT_MICROS));
    private final TestSession session = TestSession.withStreams();

    @Test
    void aPromptPublisherIsAskedOnTheLoopAndASlowOneMovesItsMethodToTheWorkers() {
        Items prompt = new Items(rig, 0);
        NodeStream fast = open("feed.prompt", prompt);
        int before = rig.poolHandOvers;
        fast.credit(8);
        rig.settle(session);
        assertThat(prompt.requestsOnLoop).as("asked on the loop").isEqualTo(1);
        assertThat(rig.poolHandOvers).as("no hand-over to the workers").isEqualTo(before);

        // sleeping is how a publisher that blocks looks from outside; past the limit whatever the clock
        Items slow = new Items(rig, TimeUnit.MICROSECONDS.toMillis(LIMIT_MICROS) + 50);
        NodeStream blocking = open("feed.slow", slow);
        blocking.credit(8);
        rig.settle(session);
        assertThat(slow.requestsOnLoop).as("the first request ran on the loop: nothing was known yet").isEqualTo(1);
        blocking.credit(4);
        rig.settle(session);
        assertThat(slow.requestsOnLoop).as("one request past the limit is forgiven: the second on the loop too")
                .isEqualTo(2);
        blocking.credit(4);
        rig.settle(session);
        assertThat(slow.requests).as("a third request came").isEqualTo(3);
        assertThat(slow.requestsOnLoop).as("but not on the loop").isEqualTo(2);

        Items next = new Items(rig, 0);
        NodeStream later = open("feed.slow", next);
        later.credit(8);
        rig.settle(session);
        assertThat(next.requests).isEqualTo(1);
        assertThat(next.requestsOnLoop).as("a later stream of the slow method starts on the workers").isZero();

        Items other = new Items(rig, 0);
        NodeStream unrelated = open("feed.prompt", other);
        unrelated.credit(8);
        rig.settle(session);
        assertThat(other.requestsOnLoop).as("another method stays on the loop").isEqualTo(1);
        assertThat(session.sent(StreamData.class)).as("every stream got its items").hasSize(8 + 16 + 8 + 8);
    }

    @Test
    void withALimitOfZeroEveryPublisherIsAskedOnTheWorkers() {
        StreamRig workersOnly = new StreamRig(StreamingSettings.defaults().withPublisherOnLoopMicros(0));
        Items items = new Items(workersOnly, 0);
        CallStream stream = workersOnly.streams.open(session, 1,
                new StreamSpec("feed.prompt", StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, null, 0),
                new StreamRig.Told());
        stream.send(items);
        workersOnly.settle(session);
        ((NodeStream) stream).credit(8);
        workersOnly.settle(session);
        assertThat(items.requests).isEqualTo(1);
        assertThat(items.requestsOnLoop).isZero();
    }

    @Test
    void aSubscriberGetsItsItemsOnTheWorkersEvenWhenPrompt() {
        Received prompt = new Received(rig, 0);
        feed("sink.prompt", prompt, 4);
        assertThat(prompt.items).isEqualTo(4);
        assertThat(prompt.onLoop).as("onNext may wait for the caller's credit, which only the loop reads").isZero();
    }

    /** Opens a stream of the caller's items to {@code method} with {@code subscriber} and sends it {@code count} items. */
    private void feed(String method, Received subscriber, int count) {
        NodeStream stream = (NodeStream) rig.streams.open(session, 2,
                new StreamSpec(method, StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, null, 8),
                new StreamRig.Told());
        stream.received().subscribe(subscriber);
        rig.settle(session);
        for (int i = 0; i < count; i++) {
            stream.data(new StreamData(false, stream.streamId(), new byte[] {(byte) i}));
            rig.settle(session);
        }
    }

    /** A subscriber that wants every item and takes {@code pauseMillis} over each. */
    private static final class Received implements Flow.Subscriber<byte[]> {
        private final StreamRig on;
        private final long pauseMillis;
        int items;
        int onLoop;

        Received(StreamRig on, long pauseMillis) {
            this.on = on;
            this.pauseMillis = pauseMillis;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(byte[] item) {
            items++;
            if (!on.poolRunning) {
                onLoop++;
            }
            pause(pauseMillis);
        }

        @Override
        public void onError(Throwable failure) {
        }

        @Override
        public void onComplete() {
        }
    }

    private NodeStream open(String method, Items items) {
        CallStream stream = rig.streams.open(session, 1,
                new StreamSpec(method, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, null, 0),
                new StreamRig.Told());
        stream.send(items);
        rig.settle(session);
        return (NodeStream) stream;
    }

    /** Endless items of one byte, given within {@code request(n)} after a pause of {@code pauseMillis}. */
    private static final class Items implements Flow.Publisher<byte[]> {
        private final StreamRig on;
        private final long pauseMillis;
        int requests;
        int requestsOnLoop;

        Items(StreamRig on, long pauseMillis) {
            this.on = on;
            this.pauseMillis = pauseMillis;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super byte[]> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    requests++;
                    if (!on.poolRunning) {
                        requestsOnLoop++;
                    }
                    pause(pauseMillis);
                    List<byte[]> given = new ArrayList<>();
                    for (long i = 0; i < n; i++) {
                        given.add(new byte[] {1});
                    }
                    given.forEach(subscriber::onNext);
                }

                @Override
                public void cancel() {
                }
            });
        }
    }

    private static void pause(long millis) {
        if (millis == 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
