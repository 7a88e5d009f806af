package io.aldis.itest.cluster;

import static io.aldis.itest.clientapi.StreamRelayTest.MARK;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.RpcCallException;
import io.aldis.itest.clientapi.StreamRelayTest.Feed;
import io.aldis.itest.clientapi.StreamRelayTest.FeedImpl;
import io.aldis.itest.clientapi.StreamRelayTest.OneByOne;
import io.aldis.itest.clientapi.StreamRelayTest.Ticks;
import io.aldis.itest.support.ChildNode;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Streams of a service a Java client provides on node c, called by a Java client on node a (or
 * b), each node in its own JVM: the caller gets a stream, not a batch, whichever way the items go;
 * every item arrives once and in order; the provider is asked for no more items than the caller
 * granted on its own node; the provider's error, the caller's cancel, the deadline, the provider
 * leaving and the death of either node (kill -9) end the stream on both sides as they do on one
 * node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterProvidedStreamTest {
    private static final String SECRET = "three-nodes-relaying-provided-streams";
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final AtomicInteger names = new AtomicInteger();

    private static ChildNode.Clustered a;
    private static ChildNode.Clustered b;
    private static ChildNode.Clustered c;
    private static final List<AldisClient> clients = new ArrayList<>();
    private static AldisClient providerOnC;
    private static AldisClient callerOnA;

    @BeforeAll
    static void startThreeNodes() throws Exception {
        List<ChildNode.Clustered> nodes = ChildNode.startThreeExportingOnC(SECRET, CONVERGE);
        a = nodes.get(0);
        b = nodes.get(1);
        c = nodes.get(2);
        providerOnC = connect(c);
        callerOnA = connect(a);
        assertThat(providerOnC.session().has(Capability.STREAMS)).isTrue();
        assertThat(callerOnA.session().has(Capability.STREAMS)).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AldisClient client : clients) {
            try {
                client.close().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // its node may be dead already
            }
        }
        ChildNode.closeAll(List.of(), a, b, c);
    }

    @Test
    @Order(1)
    void aStreamedResultCrossesInOrderOnceAndTheProviderIsAskedForNoMoreThanTheCallerGranted() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, a);
        int count = 1_000;
        OneByOne subscriber = new OneByOne(feed.consumed, Long.MAX_VALUE);
        callerOnA.<Long>callStream(service + ".ticks", new Object[] {count}, Long.class, mark(MARK))
                .subscribe(subscriber);

        assertThat(subscriber.done.get(60, TimeUnit.SECONDS))
                .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        // A batch asks for everything at once. Across nodes the provider is granted only what the
        // caller on a granted, so its publisher is never ahead of the caller by more than one window.
        assertThat(feed.last.requested.get()).isGreaterThanOrEqualTo(count);
        assertThat(feed.last.mostAhead.get()).as("asked of the provider beyond what the caller consumed")
                .isLessThanOrEqualTo(MARK).isGreaterThan(0);
    }

    @Test
    @Order(2)
    void aCallerThatStopsStallsTheProviderWithinItsCreditAndItsCancelReachesTheProvider() throws Exception {
        try (FrameClient provider = c.login()) {
            String service = provideAtFrameLevel(provider);
            OneByOne subscriber = new OneByOne(new AtomicLong(), 3);
            callerOnA.<Long>callStream(service + ".ticks", new Object[] {1_000_000}, Long.class, mark(MARK))
                    .subscribe(subscriber);
            // The caller takes 3 and stops; then it cancels, from another thread than its client's.
            subscriber.stopped.thenRunAsync(subscriber::cancel);
            RpcRequest request = provider.next(RpcRequest.class);
            provider.send(new StreamOpen(1, request.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
            // The provider sends all it is granted. Every grant the node makes before the caller's
            // cancel reaches it comes before the cancel on this connection: the total is final then.
            long granted = 0;
            Frame last;
            while ((last = provider.next(f -> f instanceof StreamCredit || f instanceof StreamCancel
                    || f instanceof StreamError || f instanceof RpcCancel)) instanceof StreamCredit credit) {
                for (long i = granted; i < granted + credit.credit(); i++) {
                    provider.send(new StreamData(false, 1, Long.toString(i).getBytes(StandardCharsets.UTF_8)));
                }
                granted += credit.credit();
            }
            assertThat(last).as("the caller's cancel reaches the provider").isInstanceOfAny(StreamCancel.class,
                    RpcCancel.class);
            assertThat(granted).as("granted to the provider while the caller took 3 of a window of %d", MARK)
                    .isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(3 + MARK);
            assertThat(subscriber.items).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    @Order(3)
    void aStreamedParameterCrossesToTheProviderInOrderWithinItsCredit() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, a);
        int count = 1_000;
        Ticks numbers = new Ticks(count, feed.consumed, 2L * MARK);
        long sum = callerOnA.proxy(Feed.class, service).sum("n", numbers);
        assertThat(sum).isEqualTo((long) count * (count - 1) / 2);
        assertThat(feed.received).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(numbers.mostAhead.get()).as("the caller's items ahead of what the provider consumed")
                .isLessThanOrEqualTo(2L * MARK).isGreaterThan(0);
    }

    @Test
    @Order(4)
    void itemsGoBothWaysAcrossNodesAtOnce() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, a);
        int count = 500;
        Ticks numbers = new Ticks(count, feed.consumed, 2L * MARK);
        OneByOne subscriber = new OneByOne(new AtomicLong(), Long.MAX_VALUE);
        callerOnA.proxy(Feed.class, service).doubled(numbers).subscribe(subscriber);
        assertThat(subscriber.done.get(60, TimeUnit.SECONDS))
                .containsExactlyElementsOf(LongStream.range(0, count).map(i -> 2 * i).boxed().toList());
        assertThat(feed.received).containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(numbers.mostAhead.get()).isLessThanOrEqualTo(2L * MARK);
    }

    /** A method that takes three of the caller's items, cancels the rest, and answers once told to. */
    public interface Taker {
        long firstThree(Flow.Publisher<Long> numbers);
    }

    static final class TakerImpl implements Taker {
        final CompletableFuture<Void> answer = new CompletableFuture<>();

        @Override
        public long firstThree(Flow.Publisher<Long> numbers) {
            CompletableFuture<Long> three = new CompletableFuture<>();
            numbers.subscribe(new Flow.Subscriber<Long>() {
                private Flow.Subscription subscription;
                private long sum;
                private int taken;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(3);
                }

                @Override
                public void onNext(Long item) {
                    sum += item;
                    if (++taken == 3) {
                        subscription.cancel();
                        three.complete(sum);
                    }
                }

                @Override
                public void onError(Throwable error) {
                    three.completeExceptionally(error);
                }

                @Override
                public void onComplete() {
                    three.complete(sum);
                }
            });
            long sum = three.join();
            answer.join();
            return sum;
        }
    }

    @Test
    @Order(5)
    void theProvidersCancelOfTheCallersItemsReachesTheCallerWhileTheCallRuns() throws Exception {
        TakerImpl taker = new TakerImpl();
        String service = "taker" + names.incrementAndGet();
        providerOnC.provide(service, (Object) taker).ready().get(10, TimeUnit.SECONDS);
        ChildNode.awaitTrue(() -> a.counts().serves("c", service), "a knows c serves " + service, CONVERGE);
        Ticks numbers = new Ticks(1_000_000_000L, new AtomicLong(), 2L * MARK);
        CompletableFuture<Long> sum = callerOnA.callWithStream(service + ".firstThree", new Object[] {numbers},
                Long.class);
        // The method has not answered yet: only its cancel can have stopped the caller's items.
        numbers.cancelled.get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        assertThat(sum).isNotDone();
        taker.answer.complete(null);
        assertThat(sum.get(30, TimeUnit.SECONDS)).isEqualTo(0L + 1 + 2);
    }

    @Test
    @Order(6)
    void rawBytesInBytesModeCrossWholeAndInOrder() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, a);
        int size = 10_000;
        // More than one frame holds, so a batch could not carry them (it would fail MESSAGE_TOO_LARGE).
        int count = callerOnA.session().maxFrameSize() / size + 8;
        List<byte[]> blocks = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        callerOnA.callStream(service + ".blocks", new Object[] {count, size}, byte[].class, mark(32 * 1024))
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
        done.get(60, TimeUnit.SECONDS);
        assertThat(blocks).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(blocks.get(i)).as("block %d", i).hasSize(size).containsOnly((byte) i);
        }
    }

    @Test
    @Order(7)
    void aCallerThatCancelsAfterTheProviderAnsweredLeavesTheServingNodeNoStream() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, a);
        int size = 2_000;
        // The caller's window holds four blocks and its subscriber takes one: a takes five. c
        // grants the provider the caller's window and gives back what leaves for a, about nine
        // blocks in all: the provider sends all seven and answers, while c holds two for a.
        CompletableFuture<Flow.Subscription> taking = new CompletableFuture<>();
        CompletableFuture<Void> firstBlock = new CompletableFuture<>();
        callerOnA.callStream(service + ".blocks", new Object[] {7, size}, byte[].class, mark(4 * size))
                .subscribe(new Flow.Subscriber<byte[]>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        taking.complete(s);
                        s.request(1);
                    }

                    @Override
                    public void onNext(byte[] block) {
                        firstBlock.complete(null);
                    }

                    @Override
                    public void onError(Throwable error) {
                        firstBlock.completeExceptionally(error);
                    }

                    @Override
                    public void onComplete() {
                    }
                });
        firstBlock.get(30, TimeUnit.SECONDS);
        ChildNode.awaitTrue(() -> {
            ChildNode.Served served = c.served();
            return served.inFlight() == 0 && served.streams() == 1;
        }, "the provider's call ended on c while c still holds its stream for a", CONVERGE);

        taking.get().cancel();
        ChildNode.awaitTrue(() -> c.served().streams() == 0, "c forgets the stream a's caller cancelled", CONVERGE);
    }

    @Test
    @Order(8)
    void inBytesModeTheProviderIsHeldToTheCallersMarkAndRefusesAnItemTooLargeForIt() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, a);
        // More than half of the caller's mark, far less than half of a frame: the provider refuses
        // to send it only when c grants it the caller's mark rather than a frame's worth (a would
        // refuse it otherwise, once it crossed).
        CompletableFuture<Void> done = new CompletableFuture<>();
        callerOnA.callStream(service + ".blocks", new Object[] {1, 6_000}, byte[].class, mark(8_000))
                .subscribe(new Flow.Subscriber<byte[]>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(byte[] block) {
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
        RpcCallException failure = failureOf(done);
        assertThat(failure.code()).isEqualTo(ErrorCode.STREAM_ITEM_TOO_LARGE);
        // The provider's own words, which its STREAM_ERROR carries across: it was granted 8000.
        assertThat(failure.reason()).contains("costs 6000").contains("high-water mark 8000");
    }

    @Test
    @Order(9)
    void theProvidersErrorReachesTheCallerWithItsCodeAfterTheItemsBeforeIt() throws Exception {
        // A provider at the frame level, so that its STREAM_ERROR carries a code a Java client's
        // failing publisher never gives (that one is STREAM_FAILED on every path).
        try (FrameClient provider = c.login()) {
            String service = provideAtFrameLevel(provider);
            OneByOne subscriber = new OneByOne(new AtomicLong(), Long.MAX_VALUE);
            subscriber.all = true;
            callerOnA.<Long>callStream(service + ".ticks", new Object[] {3}, Long.class, mark(MARK))
                    .subscribe(subscriber);
            RpcRequest request = provider.next(RpcRequest.class);
            provider.send(new StreamOpen(1, request.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
            assertThat(provider.next(StreamCredit.class).credit()).as("the caller's mark").isEqualTo(MARK);
            for (int i = 0; i < 3; i++) {
                provider.send(new StreamData(false, 1, Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
            }
            provider.send(new StreamError(1, ErrorCode.BUSY.code(), "sensor offline"));

            RpcCallException failure = failureOf(subscriber.done);
            assertThat(failure.code()).isEqualTo(ErrorCode.BUSY);
            assertThat(failure.reason()).isEqualTo("sensor offline");
            assertThat(subscriber.items).containsExactly(0L, 1L, 2L);
        }
    }

    @Test
    @Order(10)
    void theDeadlineEndsTheStreamAndStopsTheProvidersPublisher() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, a);
        OneByOne subscriber = new OneByOne(feed.consumed, 1);
        callerOnA.<Long>callStream(service + ".ticks", new Object[] {1_000_000}, Long.class,
                CallOptions.timeout(Duration.ofSeconds(2)).withStreamHighWaterMark(MARK)).subscribe(subscriber);
        assertThat(failureOf(subscriber.done).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        feed.returned.get(30, TimeUnit.SECONDS).cancelled.get(30, TimeUnit.SECONDS);
    }

    @Test
    @Order(11)
    void theProviderLeavingMidStreamFailsTheCallersCallWithProviderGone() throws Exception {
        AldisClient leaving = connect(c);
        FeedImpl feed = new FeedImpl();
        String service = provide(leaving, feed, a);
        OneByOne subscriber = new OneByOne(feed.consumed, 3);
        callerOnA.<Long>callStream(service + ".ticks", new Object[] {1_000_000}, Long.class, mark(MARK))
                .subscribe(subscriber);
        subscriber.stopped.get(30, TimeUnit.SECONDS);
        leaving.close().get(10, TimeUnit.SECONDS);
        assertThat(failureOf(subscriber.done).code()).isEqualTo(ErrorCode.PROVIDER_GONE);
    }

    @Test
    @Order(12)
    void killingTheCallersNodeStopsTheProvidersPublisher() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, b);
        AldisClient callerOnB = connect(b);
        OneByOne subscriber = new OneByOne(feed.consumed, 2);
        callerOnB.<Long>callStream(service + ".ticks", new Object[] {1_000_000}, Long.class, mark(MARK))
                .subscribe(subscriber);
        subscriber.stopped.get(30, TimeUnit.SECONDS);

        b.process().destroyForcibly(); // SIGKILL: nobody reads the stream any more
        b.process().waitFor(30, TimeUnit.SECONDS);
        feed.returned.get(30, TimeUnit.SECONDS).cancelled.get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    @Order(13)
    void killingTheProvidersNodeMidStreamFailsTheCallWithProviderGone() throws Exception {
        FeedImpl feed = new FeedImpl();
        String service = provide(providerOnC, feed, a);
        OneByOne subscriber = new OneByOne(feed.consumed, 3);
        callerOnA.<Long>callStream(service + ".ticks", new Object[] {1_000_000}, Long.class, mark(MARK))
                .subscribe(subscriber);
        subscriber.stopped.get(30, TimeUnit.SECONDS);

        c.process().destroyForcibly(); // SIGKILL: c says nothing more
        c.process().waitFor(30, TimeUnit.SECONDS);
        RpcCallException failure = failureOf(subscriber.done);
        assertThat(failure.code()).isEqualTo(ErrorCode.PROVIDER_GONE);
        // The link to c breaks with c's process, before Hazelcast takes c out: either may be told.
        assertThat(failure.reason()).containsAnyOf("node c left the cluster", "node c broke");
        assertThat(subscriber.items).containsExactly(0L, 1L, 2L);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Provides {@code feed} under a name of its own through {@code provider}, and waits until
     * {@code callersNode} knows that c serves it.
     */
    private static String provide(AldisClient provider, FeedImpl feed, ChildNode.Clustered callersNode)
            throws Exception {
        String service = "feed" + names.incrementAndGet();
        provider.provide(service, (Object) feed).ready().get(10, TimeUnit.SECONDS);
        ChildNode.awaitTrue(() -> callersNode.counts().serves("c", service),
                callersNode.name() + " knows c serves " + service, CONVERGE);
        return service;
    }

    /**
     * Provides a method {@code ticks(n)} that streams numbers under a name of its own through a
     * frame-level client on c, and waits until a knows that c serves it.
     */
    private static String provideAtFrameLevel(FrameClient provider) throws Exception {
        String service = "frames" + names.incrementAndGet();
        provider.send(new ServiceProvide(1, service, "{\"methods\":[{\"name\":\"ticks\",\"params\":[\"n: long\"],"
                + "\"result\":\"Stream<Long>\"}]}"));
        provider.next(Ack.class);
        ChildNode.awaitTrue(() -> a.counts().serves("c", service), "a knows c serves " + service, CONVERGE);
        return service;
    }

    private static AldisClient connect(ChildNode.Clustered node) throws Exception {
        AldisClient client = AldisClient.builder()
                .address("127.0.0.1", node.port())
                .credentials(ChildNode.USER, NodeFixture.PASSWORD.toCharArray())
                .reconnect(ReconnectPolicy.none())
                .build();
        clients.add(client);
        client.connect().get(30, TimeUnit.SECONDS);
        return client;
    }

    private static CallOptions mark(int highWaterMark) {
        return CallOptions.defaults().withStreamHighWaterMark(highWaterMark);
    }

    private static RpcCallException failureOf(CompletableFuture<?> done) throws Exception {
        try {
            done.get(CONVERGE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(RpcCallException.class);
            return (RpcCallException) e.getCause();
        }
        throw new AssertionError("the call did not fail");
    }
}
