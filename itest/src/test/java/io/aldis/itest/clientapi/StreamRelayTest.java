package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.client.ServiceName;
import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.stream.StreamCredit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streaming methods a Java client provides, called with streams by another Java client through a
 * real node with the streaming feature (docs/protocol.md 6.4.8): the node relays a stream on each
 * connection, with the credit of each, and ends, errors, cancels and a provider that goes away
 * cross from one to the other.
 */
@ExtendWith(LeakWatch.class)
public class StreamRelayTest {
    public static final int MARK = 8;

    private NodeFixture node;
    private AldisClient provider;
    private AldisClient caller;

    @ServiceName("feed")
    public interface Feed {
        Flow.Publisher<Long> ticks(long count);

        @StreamCredit(highWaterMark = MARK)
        long sum(String label, Flow.Publisher<Long> numbers);

        @StreamCredit(highWaterMark = MARK)
        Flow.Publisher<Long> doubled(Flow.Publisher<Long> numbers);

        @StreamCredit(mode = CreditMode.BYTES)
        Flow.Publisher<byte[]> blocks(int count, int size);
    }

    /**
     * A cold publisher of 0, 1, ... below {@code count}, as requested, that records every request
     * and checks at each one that what was asked of it and not yet consumed by the caller stays
     * within {@code bound}.
     */
    public static final class Ticks implements Flow.Publisher<Long> {
        public final long count;
        public final AtomicLong consumed;
        public final long bound;
        public final AtomicLong requested = new AtomicLong();
        public final AtomicLong mostAhead = new AtomicLong();
        public final CompletableFuture<Void> cancelled = new CompletableFuture<>();
        /** Completes once {@link #fillTo} items were asked for. */
        public final CompletableFuture<Void> filled = new CompletableFuture<>();
        public volatile long fillTo = Long.MAX_VALUE;

        /** Fails instead of completing, after its items. */
        public volatile RuntimeException failure;

        public Ticks(long count, AtomicLong consumed, long bound) {
            this.count = count;
            this.consumed = consumed;
            this.bound = bound;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super Long> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private long next;
                private long demand;
                private boolean emitting;
                private boolean over;

                @Override
                public void request(long n) {
                    long total = requested.addAndGet(n);
                    mostAhead.accumulateAndGet(total - consumed.get(), Math::max);
                    if (total >= fillTo) {
                        filled.complete(null);
                    }
                    demand += n;
                    if (emitting) {
                        return;
                    }
                    emitting = true;
                    while (!over && demand > 0 && next < count) {
                        demand--;
                        subscriber.onNext(next++);
                    }
                    if (!over && next == count) {
                        over = true;
                        if (failure != null) {
                            subscriber.onError(failure);
                        } else {
                            subscriber.onComplete();
                        }
                    }
                    emitting = false;
                }

                @Override
                public void cancel() {
                    over = true;
                    cancelled.complete(null);
                }
            });
        }
    }

    public static final class FeedImpl implements Feed {
        public final AtomicLong consumed = new AtomicLong();
        /** The caller's items, as the provider's methods took them. */
        public final List<Long> received = new CopyOnWriteArrayList<>();
        /** Completes when a method took its third item from the caller. */
        public final CompletableFuture<Void> gotThree = new CompletableFuture<>();
        /** How the last call of sum ended: its sum, or the error its publisher gave. */
        public final CompletableFuture<Long> sumEnded = new CompletableFuture<>();
        public volatile RuntimeException failure;
        public volatile Ticks last;
        public final CompletableFuture<Ticks> returned = new CompletableFuture<>();
        public volatile long fillTo = Long.MAX_VALUE;

        @Override
        public Flow.Publisher<Long> ticks(long count) {
            Ticks ticks = new Ticks(count, consumed, 2L * MARK);
            ticks.fillTo = fillTo;
            ticks.failure = failure;
            last = ticks;
            returned.complete(ticks);
            return ticks;
        }

        @Override
        public long sum(String label, Flow.Publisher<Long> numbers) {
            CompletableFuture<Long> total = new CompletableFuture<>();
            numbers.subscribe(new Flow.Subscriber<Long>() {
                private Flow.Subscription subscription;
                private long sum;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(1);
                }

                @Override
                public void onNext(Long item) {
                    received.add(item);
                    sum += item;
                    consumed.incrementAndGet();
                    if (received.size() == 3) {
                        gotThree.complete(null);
                    }
                    subscription.request(1);
                }

                @Override
                public void onError(Throwable error) {
                    sumEnded.completeExceptionally(error);
                    total.completeExceptionally(error);
                }

                @Override
                public void onComplete() {
                    sumEnded.complete(sum);
                    total.complete(sum);
                }
            });
            return total.join();
        }

        @Override
        public Flow.Publisher<byte[]> blocks(int count, int size) {
            List<byte[]> blocks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] block = new byte[size];
                java.util.Arrays.fill(block, (byte) i);
                blocks.add(block);
            }
            return new io.aldis.protocol.api.stream.ListPublisher<>(blocks);
        }

        @Override
        public Flow.Publisher<Long> doubled(Flow.Publisher<Long> numbers) {
            return subscriber -> numbers.subscribe(new Flow.Subscriber<Long>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscriber.onSubscribe(s);
                }

                @Override
                public void onNext(Long item) {
                    received.add(item);
                    consumed.incrementAndGet();
                    subscriber.onNext(2 * item);
                }

                @Override
                public void onError(Throwable error) {
                    subscriber.onError(error);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }

    /** Takes every item, one request at a time, counting what it consumed. */
    public static final class OneByOne implements Flow.Subscriber<Long> {
        public final List<Long> items = new ArrayList<>();
        public final CompletableFuture<List<Long>> done = new CompletableFuture<>();
        /** Completes when it took the last item it wants. */
        public final CompletableFuture<Void> stopped = new CompletableFuture<>();
        private final AtomicLong consumed;
        private final long stopAfter;
        /** Requests everything at once instead, ready for every item. */
        public boolean all;
        private Flow.Subscription subscription;

        public OneByOne(AtomicLong consumed, long stopAfter) {
            this.consumed = consumed;
            this.stopAfter = stopAfter;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(all ? Long.MAX_VALUE : 1);
        }

        @Override
        public void onNext(Long item) {
            items.add(item);
            consumed.incrementAndGet();
            if (all) {
                return;
            }
            if (items.size() < stopAfter) {
                subscription.request(1);
            } else {
                stopped.complete(null);
            }
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            done.complete(items);
        }

        public void cancel() {
            subscription.cancel();
        }
    }

    private FeedImpl feed;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user").user("bob", "user").rpc().streaming().start();
        provider = node.connect("bob");
        caller = node.connect("alice");
        feed = new FeedImpl();
        provider.provide(Feed.class, feed).ready().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private static CallOptions mark(int highWaterMark) {
        return CallOptions.defaults().withStreamHighWaterMark(highWaterMark);
    }

    @Test
    void aStreamedResultComesThroughTheNodeInOrderExactlyOnceWithinBothConnectionsCredit() throws Exception {
        assertThat(caller.session().has(Capability.STREAMS)).isTrue();
        int count = 1_000;
        OneByOne subscriber = new OneByOne(feed.consumed, Long.MAX_VALUE);
        caller.<Long>callStream("feed.ticks", new Object[] {count}, Long.class, mark(MARK)).subscribe(subscriber);

        assertThat(subscriber.done.get(20, TimeUnit.SECONDS))
                .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        // A batch would have asked for everything at once; through the node the provider is asked
        // for at most the caller's window and the node's window on the provider's connection.
        assertThat(feed.last.mostAhead.get()).isLessThanOrEqualTo(2L * MARK).isGreaterThan(0);
        assertThat(feed.last.requested.get()).isGreaterThanOrEqualTo(count);
    }

    @Test
    void aCallerThatStopsRequestingStallsTheProviderAndItsCancelReachesTheProvidersSubscription() throws Exception {
        OneByOne subscriber = stalledAfterThreeItems();
        subscriber.cancel();
        // ...and the cancel reaches the provider's publisher, which was never asked for more than
        // both windows beyond what the caller consumed (checked at every request until then).
        feed.last.cancelled.get(10, TimeUnit.SECONDS);
        assertThat(subscriber.items).containsExactly(0L, 1L, 2L);
        assertThat(feed.last.mostAhead.get()).isLessThanOrEqualTo(2L * MARK);
        assertThat(feed.last.requested.get()).isLessThanOrEqualTo(3 + 2L * MARK);
    }

    @Test
    void aRelayedStreamIsListedOnBothConnectionsAndCountedLikeAnyOtherStream() throws Exception {
        OneByOne subscriber = stalledAfterThreeItems();

        // Two rows: the stream the node runs as the callee on the caller's connection, then the
        // one it runs as the caller on the provider's, each naming the other.
        List<StreamRow> rows = node.streaming().view().streams();
        assertThat(rows).hasSize(2);
        StreamRow callerSide = rows.get(0);
        StreamRow providerSide = rows.get(1);
        assertThat(callerSide.providerSide()).isFalse();
        assertThat(callerSide.method()).isEqualTo("feed.ticks");
        assertThat(callerSide.sessionId()).isEqualTo(caller.session().sessionId());
        assertThat(callerSide.direction()).isEqualTo(1);
        assertThat(callerSide.itemsSent()).isGreaterThanOrEqualTo(3);
        assertThat(callerSide.pairedWith()).isEqualTo(providerSide.streamId());
        assertThat(providerSide.providerSide()).isTrue();
        assertThat(providerSide.method()).isEqualTo("feed.ticks");
        assertThat(providerSide.sessionId()).isEqualTo(provider.session().sessionId());
        assertThat(providerSide.user()).isEqualTo("bob");
        assertThat(providerSide.direction()).isEqualTo(1);
        assertThat(providerSide.pairedWith()).isEqualTo(callerSide.streamId());
        assertThat(providerSide.itemsReceived()).as("the provider's items, more than the caller took")
                .isGreaterThan(callerSide.itemsSent() - 1).isGreaterThanOrEqualTo(3);
        assertThat(providerSide.bytesReceived()).isPositive();
        assertThat(providerSide.sendCredit()).as("the node sends the provider no items").isEqualTo(-1);
        assertThat(providerSide.receiveCredit()).isBetween(0, MARK);
        assertThat(providerSide.state()).isEqualTo("open");

        assertThat(node.streaming().view().counters()).containsEntry("open", 1L).containsEntry("openedTotal", 1L);
        assertThat(node.rpc().registry().streamStats()).singleElement().satisfies(stats -> {
            assertThat(stats.method()).isEqualTo("feed.ticks");
            assertThat(stats.opened()).isOne();
            assertThat(stats.open()).isOne();
            assertThat(stats.itemsSent()).as("items handed on to the caller").isGreaterThanOrEqualTo(3);
            assertThat(stats.bytesSent()).isPositive();
        });
        subscriber.cancel();
        feed.last.cancelled.get(10, TimeUnit.SECONDS);
    }

    /**
     * A long stream of ticks whose caller takes 3 items and stops: the caller's window of 8 (3
     * consumed, not yet returned, and 5 held) and the node's of 8 on the provider's connection
     * then fill up, and the provider is asked for no more.
     */
    private OneByOne stalledAfterThreeItems() throws Exception {
        feed.fillTo = 2 * MARK;
        OneByOne subscriber = new OneByOne(feed.consumed, 3);
        caller.<Long>callStream("feed.ticks", new Object[] {1_000_000}, Long.class, mark(MARK)).subscribe(subscriber);
        subscriber.stopped.get(10, TimeUnit.SECONDS);
        awaitTicks().filled.get(10, TimeUnit.SECONDS);
        return subscriber;
    }

    /** The publisher of the call in flight, once the provider's method returned it. */
    private Ticks awaitTicks() throws Exception {
        return feed.returned.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStreamedParameterGoesThroughTheNodeToTheProviderInOrderWithinBothConnectionsCredit() throws Exception {
        int count = 1_000;
        Ticks numbers = new Ticks(count, feed.consumed, 2L * MARK);
        long sum = caller.proxy(Feed.class).sum("n", numbers);
        assertThat(sum).isEqualTo((long) count * (count - 1) / 2);
        assertThat(feed.received).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        // The caller's publisher was asked for at most the node's window on the caller's connection
        // and the provider's on its own beyond what the provider's method consumed.
        assertThat(numbers.mostAhead.get()).isLessThanOrEqualTo(2L * MARK).isGreaterThan(0);
        assertThat(node.rpc().registry().streamStats()).singleElement().satisfies(stats -> {
            assertThat(stats.itemsReceived()).as("the caller's items the node passed on").isEqualTo(count);
            assertThat(stats.bytesReceived()).isPositive();
        });
    }

    @Test
    void itemsGoBothWaysThroughTheNodeAtOnce() throws Exception {
        int count = 500;
        Ticks numbers = new Ticks(count, feed.consumed, 2L * MARK);
        OneByOne subscriber = new OneByOne(new AtomicLong(), Long.MAX_VALUE);
        caller.proxy(Feed.class).doubled(numbers).subscribe(subscriber);
        assertThat(subscriber.done.get(20, TimeUnit.SECONDS))
                .containsExactlyElementsOf(LongStream.range(0, count).map(i -> 2 * i).boxed().toList());
        assertThat(feed.received).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(numbers.mostAhead.get()).as("the caller's items, within both windows").isLessThanOrEqualTo(2L * MARK);
    }

    @Test
    void theProvidersOnErrorReachesTheCallerAsStreamFailedAfterTheItemsBeforeIt() throws Exception {
        feed.failure = new IllegalStateException("sensor offline");
        OneByOne subscriber = new OneByOne(feed.consumed, Long.MAX_VALUE);
        subscriber.all = true; // ready for every item, so none may be dropped for the error (5.6)
        caller.<Long>callStream("feed.ticks", new Object[] {3}, Long.class, mark(MARK)).subscribe(subscriber);
        RpcCallException failure = failureOf(subscriber.done);
        assertThat(failure.code()).isEqualTo(ErrorCode.STREAM_FAILED);
        assertThat(failure.reason()).contains("sensor offline");
        assertThat(subscriber.items).containsExactly(0L, 1L, 2L);
    }

    @Test
    void theProviderLeavingMidStreamFailsTheCallersCall() throws Exception {
        OneByOne subscriber = stalledAfterThreeItems();
        provider.close().get(10, TimeUnit.SECONDS);
        assertThat(failureOf(subscriber.done).code()).isEqualTo(ErrorCode.PROVIDER_GONE);
    }

    @Test
    void aCallerWithoutStreamsGetsABatchAsBefore() throws Exception {
        AldisClient batchCaller = node.connect(node.clientBuilder("alice")
                .capabilities(EnumSet.of(Capability.RPC)));
        OneByOne subscriber = new OneByOne(feed.consumed, Long.MAX_VALUE);
        batchCaller.<Long>callStream("feed.ticks", new Object[] {100}, Long.class, mark(MARK)).subscribe(subscriber);
        assertThat(subscriber.done.get(10, TimeUnit.SECONDS)).hasSize(100);
        assertThat(feed.last.mostAhead.get()).as("collected at once, as a batch").isGreaterThan(2L * MARK);
    }

    @Test
    void aProviderWithoutStreamsAnswersABatchAsBefore() throws Exception {
        AldisClient batchProvider = node.connect(node.clientBuilder("bob").capabilities(EnumSet.of(Capability.RPC)));
        FeedImpl batchFeed = new FeedImpl();
        batchProvider.provide("batchfeed", (Object) batchFeed).ready().get(10, TimeUnit.SECONDS);
        OneByOne subscriber = new OneByOne(batchFeed.consumed, Long.MAX_VALUE);
        caller.<Long>callStream("batchfeed.ticks", new Object[] {100}, Long.class, mark(MARK)).subscribe(subscriber);
        assertThat(subscriber.done.get(10, TimeUnit.SECONDS)).hasSize(100);
        assertThat(batchFeed.last.mostAhead.get()).as("collected at once, as a batch").isGreaterThan(2L * MARK);
    }

    private static RpcCallException failureOf(CompletableFuture<?> done) throws Exception {
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RpcCallException.class);
            return (RpcCallException) e.getCause();
        }
        throw new AssertionError("the call did not fail");
    }

    @Test
    void aCallersRpcCancelReachesTheProviderWhoseMethodStopsGettingItems() throws Exception {
        Ticks numbers = new Ticks(1_000_000_000L, feed.consumed, 2L * MARK);
        CompletableFuture<Long> sum = caller.callWithStream("feed.sum", new Object[] {"n", numbers}, Long.class);
        feed.gotThree.get(10, TimeUnit.SECONDS);
        sum.cancel(true);
        try {
            feed.sumEnded.get(10, TimeUnit.SECONDS);
            throw new AssertionError("the provider's method was not stopped");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RpcCallException.class);
            assertThat(((RpcCallException) e.getCause()).code()).isEqualTo(ErrorCode.CANCELLED);
        }
        numbers.cancelled.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theDeadlineCoversTheStreamOnBothConnections() throws Exception {
        OneByOne subscriber = new OneByOne(feed.consumed, 1);
        caller.<Long>callStream("feed.ticks", new Object[] {1_000_000}, Long.class,
                CallOptions.timeout(java.time.Duration.ofMillis(300)).withStreamHighWaterMark(MARK)).subscribe(subscriber);
        assertThat(failureOf(subscriber.done).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        awaitTicks().cancelled.get(10, TimeUnit.SECONDS);
    }

    @Test
    void rawBytesInBytesModeComeThroughTheNodeWhole() throws Exception {
        int size = 10_000;
        // More than one frame holds, so a batch could not carry them (it would fail MESSAGE_TOO_LARGE).
        int count = caller.session().maxFrameSize() / size + 8;
        List<byte[]> blocks = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        caller.callStream("feed.blocks", new Object[] {count, size}, byte[].class, mark(32 * 1024))
                .subscribe(new Flow.Subscriber<byte[]>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(byte[] block) {
                        blocks.add(block);
                    }

                    @Override
                    public void onError(Throwable error) {
                        done.completeExceptionally(error);
                    }

                    @Override
                    public void onComplete() {
                        done.complete(null);
                    }
                });
        done.get(20, TimeUnit.SECONDS);
        assertThat(blocks).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(blocks.get(i)).hasSize(size).containsOnly((byte) i);
        }
    }
}
