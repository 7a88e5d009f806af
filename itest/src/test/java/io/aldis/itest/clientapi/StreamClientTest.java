package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.stream.ListPublisher;
import io.aldis.itest.rpc.Streams;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.stream.StreamCredit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streams end to end: the Java client calls streaming methods of a service exported inside a real
 * node with the RPC and streaming features, over TCP; credit bounds what the node produces, and
 * cancels, errors, deadlines and the streaming feature going away end streams cleanly.
 */
@ExtendWith(LeakWatch.class)
class StreamClientTest {
    private static final String ALICE = "alice";
    private NodeFixture node;
    private Streams.Impl streams;
    private AldisClient client;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user(ALICE, "user").rpc().streaming().start();
        streams = new Streams.Impl();
        node.export("streams", streams, Streams.Api.class);
        client = node.connect(ALICE);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    /** Takes every item and the end, requesting {@code batch} at a time. */
    static final class Collector<T> implements Flow.Subscriber<T> {
        final List<T> items = new ArrayList<>();
        final CompletableFuture<List<T>> done = new CompletableFuture<>();
        final BlockingQueue<T> arrived = new LinkedBlockingQueue<>();
        private final long batch;
        private Flow.Subscription subscription;
        private long left;

        Collector(long batch) {
            this.batch = batch;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (batch > 0) {
                left = batch;
                s.request(batch);
            }
        }

        @Override
        public void onNext(T item) {
            items.add(item);
            arrived.add(item);
            if (batch > 0 && --left == 0) {
                left = batch;
                subscription.request(batch);
            }
        }

        @Override
        public void onError(Throwable failure) {
            done.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            done.complete(items);
        }

        void request(long n) {
            subscription.request(n);
        }

        void cancel() {
            subscription.cancel();
        }

        T next() throws InterruptedException {
            T item = arrived.poll(10, TimeUnit.SECONDS);
            assertThat(item).as("an item within 10 s").isNotNull();
            return item;
        }

        RpcCallException failure() {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> done.get(10, TimeUnit.SECONDS));
            assertThat(e.getCause()).isInstanceOf(RpcCallException.class);
            return (RpcCallException) e.getCause();
        }
    }

    /** The items, each given as the subscriber requests it, on the requesting thread. */
    private static <T> Flow.Publisher<T> publisherOf(List<T> items) {
        return new ListPublisher<>(items);
    }

    @Test
    void aStreamedResultArrivesWholeAndInOrder() throws Exception {
        Collector<Integer> numbers = new Collector<>(7);
        client.callStream("streams.count", new Object[] {1000}, Integer.class,
                CallOptions.defaults().withStreamHighWaterMark(16)).subscribe(numbers);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            expected.add(i);
        }
        assertThat(numbers.done.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
    }

    @Test
    void aSlowSubscriberHoldsTheProducerToTheCreditWindow() throws Exception {
        int window = 8;
        Collector<String> slow = new Collector<>(0);
        client.callStream("streams.forever", new Object[] {"tick"}, String.class,
                CallOptions.defaults().withStreamHighWaterMark(window)).subscribe(slow);
        for (int taken = 1; taken <= 200; taken++) {
            slow.request(1);
            slow.next();
            // What was produced and not yet taken is held by the node, the wire or the client: never above the window.
            assertThat(streams.produced.get() - taken).isLessThanOrEqualTo(window);
        }
        slow.cancel();
        assertThat(streams.cancels.tryAcquire(10, TimeUnit.SECONDS)).as("the producer was released").isTrue();
    }

    /** A service whose one method answers only when the test says so. */
    public interface Waits {
        /** Answers once {@code answer} completes. */
        CompletionStage<String> answer();
    }

    @Test
    void whileACallWaitsForItsAnswerTheStreamKeepsToAnEighthOfItsWindowAndGoesOn() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        node.export("waits", (Waits) () -> answer, Waits.class);
        CompletableFuture<String> waiting = client.call("waits.answer", null, String.class,
                CallOptions.timeout(Duration.ofMinutes(5)));
        int window = 16;
        Collector<String> slow = new Collector<>(0);
        client.callStream("streams.forever", new Object[] {"tick"}, String.class,
                CallOptions.defaults().withStreamHighWaterMark(window)).subscribe(slow);
        for (int taken = 1; taken <= 200; taken++) {
            slow.request(1);
            slow.next();
            if (taken > window) {
                // Produced and not yet taken: held by the node, the wire or the client.
                assertThat(streams.produced.get() - taken).as("after item %d", taken).isLessThanOrEqualTo(window / 8);
            }
        }
        assertThat(waiting).as("the call still waits, and the stream went on beside it").isNotDone();
        slow.cancel();
        assertThat(streams.cancels.tryAcquire(10, TimeUnit.SECONDS)).as("the producer was released").isTrue();
        answer.complete("done");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    }

    /** A bytes-mode streamed result whose items are not all of one size. */
    public interface Sized {
        @StreamCredit(mode = CreditMode.BYTES)
        Flow.Publisher<byte[]> blocks();
    }

    @Test
    void anItemLargerThanTheShareStillComesWhileCallsKeepWaiting() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        node.export("waits", (Waits) () -> answer, Waits.class);
        List<byte[]> blocks = new ArrayList<>();
        for (int i = 0; i < 200; i++) { // more than the first grant of the window holds
            blocks.add(new byte[1_000]);
        }
        // Within half the window of 64 KiB, but more than the eighth the stream keeps to while the call waits.
        blocks.add(new byte[20_000]);
        for (int i = 0; i < 5; i++) {
            blocks.add(new byte[1_000]);
        }
        node.export("sized", (Sized) () -> publisherOf(blocks), Sized.class);
        CompletableFuture<String> waiting = client.call("waits.answer", null, String.class,
                CallOptions.timeout(Duration.ofMinutes(5)));

        Collector<byte[]> all = new Collector<>(100);
        client.callStream("sized.blocks", null, byte[].class,
                CallOptions.defaults().withStreamHighWaterMark(65_536)).subscribe(all);
        assertThat(all.done.get(10, TimeUnit.SECONDS)).extracting(block -> block.length)
                .containsExactlyElementsOf(blocks.stream().map(block -> block.length).toList());
        assertThat(waiting).as("the call waited the whole time").isNotDone();
        answer.complete("done");
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void aStreamedParameterAndBytesItemsReachTheService() throws Exception {
        List<Long> values = LongStream.rangeClosed(1, 1000).boxed().toList();
        assertThat(client.<Long>callWithStream("streams.sum", new Object[] {publisherOf(values)}, Long.class,
                CallOptions.defaults()).get(30, TimeUnit.SECONDS)).isEqualTo(500_500L);
        List<byte[]> blocks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            blocks.add(new byte[10_000]);
        }
        assertThat(client.<Long>callWithStream("streams.store", new Object[] {"f", publisherOf(blocks)}, Long.class,
                CallOptions.defaults()).get(30, TimeUnit.SECONDS)).isEqualTo(1_000_000L);
    }

    @Test
    void bothDirectionsInOneCall() throws Exception {
        Collector<String> shouted = new Collector<>(1);
        client.callStream("streams.shout", new Object[] {publisherOf(List.of("a", "b", "c"))}, String.class,
                CallOptions.defaults()).subscribe(shouted);
        assertThat(shouted.done.get(30, TimeUnit.SECONDS)).containsExactly("A", "B", "C");
    }

    @Test
    void cancellingMidStreamReleasesTheProducer() throws Exception {
        Collector<String> reader = new Collector<>(4);
        client.callStream("streams.forever", new Object[] {"x"}, String.class, CallOptions.defaults()).subscribe(reader);
        for (int i = 0; i < 20; i++) {
            reader.next();
        }
        reader.cancel();
        assertThat(streams.cancels.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        assertThat(client.call("streams.count", new Object[] {2}, List.class).get(10, TimeUnit.SECONDS))
                .isEqualTo(List.of(0, 1));
    }

    @Test
    void anErrorMidStreamFailsTheSubscriberWithTheCode() throws Exception {
        Collector<String> reader = new Collector<>(10);
        client.callStream("streams.failing", new Object[0], String.class, CallOptions.defaults()).subscribe(reader);
        RpcCallException failure = reader.failure();
        assertThat(failure.code()).isEqualTo(ErrorCode.STREAM_FAILED);
        assertThat(failure.getMessage()).contains("stream processing failed: disk on fire");
        assertThat(reader.items).containsExactly("first");
    }

    @Test
    void anItemTooLargeForOneFrameEndsTheStreamInsteadOfTheConnection() throws Exception {
        int maxFrame = client.session().maxFrameSize();
        Collector<byte[]> reader = new Collector<>(1);
        client.callStream("streams.blocks", new Object[] {1, maxFrame}, byte[].class, CallOptions.defaults())
                .subscribe(reader);
        RpcCallException down = reader.failure();
        assertThat(down.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        assertThat(down.getMessage()).contains("maxFrameSize");

        CompletableFuture<Long> up = client.callWithStream("streams.store",
                new Object[] {"f", publisherOf(List.of(new byte[maxFrame]))}, Long.class, CallOptions.defaults());
        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> up.get(10, TimeUnit.SECONDS));
        assertThat(((RpcCallException) failed.getCause()).code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        assertThat(client.call("streams.count", new Object[] {1}, List.class).get(10, TimeUnit.SECONDS))
                .as("the connection is still there").isEqualTo(List.of(0));
    }

    @Test
    void theDeadlineCoversTheWholeStream() throws Exception {
        Collector<String> reader = new Collector<>(0);
        client.callStream("streams.forever", new Object[] {"x"}, String.class,
                CallOptions.timeout(Duration.ofMillis(300))).subscribe(reader);
        reader.request(1);
        reader.next();
        assertThat(reader.failure().code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(streams.cancels.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void withoutTheStreamingFeatureCallsAreBatchesAndRunningStreamsEndCleanly() throws Exception {
        Collector<String> running = new Collector<>(2);
        client.callStream("streams.forever", new Object[] {"x"}, String.class, CallOptions.defaults()).subscribe(running);
        running.next();
        node.stopStreaming();
        assertThat(running.failure().code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE);
        assertThat(streams.cancels.tryAcquire(10, TimeUnit.SECONDS)).isTrue();

        Collector<Integer> batch = new Collector<>(1);
        client.callStream("streams.count", new Object[] {3}, Integer.class, CallOptions.defaults()).subscribe(batch);
        assertThat(batch.done.get(10, TimeUnit.SECONDS)).containsExactly(0, 1, 2);
        assertThat(client.<Long>callWithStream("streams.sum", new Object[] {publisherOf(List.of(1L, 2L))}, Long.class,
                CallOptions.defaults()).get(10, TimeUnit.SECONDS)).isEqualTo(3L);

        node.startStreaming();
        Collector<Integer> streamed = new Collector<>(1);
        client.callStream("streams.count", new Object[] {3}, Integer.class, CallOptions.defaults()).subscribe(streamed);
        assertThat(streamed.done.get(10, TimeUnit.SECONDS)).containsExactly(0, 1, 2);
    }
}
