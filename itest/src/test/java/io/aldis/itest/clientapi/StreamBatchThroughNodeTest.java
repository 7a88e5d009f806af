package io.aldis.itest.clientapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.Registration;
import io.aldis.client.RpcCallException;
import io.aldis.client.ServiceName;
import io.aldis.feature.pubsub.internal.PubSubSettings;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streaming methods a Java client provides, called by another Java client through a real node that
 * offers no STREAMS: both clients fall back to batches (docs/protocol.md 6.4.1).
 */
@ExtendWith(LeakWatch.class)
class StreamBatchThroughNodeTest {
    private NodeFixture node;
    private AldisClient provider;
    private AldisClient caller;

    @ServiceName("feed")
    public interface Feed {
        Flow.Publisher<Long> ticks(long count);

        long sum(String label, Flow.Publisher<Long> numbers);
    }

    /** A cold publisher of {@code from}, {@code from + 1}, ... below {@code to}, as requested. */
    static Flow.Publisher<Long> range(long from, long to) {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private long next = from;
            private long demand;
            private boolean emitting;
            private boolean over;

            @Override
            public void request(long n) {
                demand += n;
                if (emitting) {
                    return; // the loop below sees the new demand
                }
                emitting = true;
                while (!over && demand > 0 && next < to) {
                    demand--;
                    subscriber.onNext(next++);
                }
                if (!over && next == to) {
                    over = true;
                    subscriber.onComplete();
                }
                emitting = false;
            }

            @Override
            public void cancel() {
                over = true;
            }
        });
    }

    static final class FeedImpl implements Feed {
        @Override
        public Flow.Publisher<Long> ticks(long count) {
            return range(0, count);
        }

        @Override
        public long sum(String label, Flow.Publisher<Long> numbers) {
            CompletableFuture<Long> total = new CompletableFuture<>();
            numbers.subscribe(new Flow.Subscriber<Long>() {
                private long sum;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Long item) {
                    sum += item;
                }

                @Override
                public void onError(Throwable error) {
                    total.completeExceptionally(error);
                }

                @Override
                public void onComplete() {
                    total.complete(sum);
                }
            });
            return total.join();
        }
    }

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user").user("bob", "user").rpc()
                .pubsub(PubSubSettings.defaults()).start();
        provider = node.connect("bob");
        caller = node.connect("alice");
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    @Test
    void aStreamedResultAndAStreamedParameterTravelAsBatchesWhenTheNodeOffersNoStreams() throws Exception {
        assertThat(caller.session().has(Capability.STREAMS)).isFalse();
        Registration registration = provider.provide(Feed.class, new FeedImpl());
        registration.ready().get(10, TimeUnit.SECONDS);
        Feed feed = caller.proxy(Feed.class);

        List<Long> ticks = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        feed.ticks(5).subscribe(new Flow.Subscriber<Long>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(Long item) {
                ticks.add(item);
                subscription.request(1);
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
        done.get(10, TimeUnit.SECONDS);
        assertThat(ticks).containsExactly(0L, 1L, 2L, 3L, 4L);

        assertThat(feed.sum("n", range(1, 5))).as("the items sent as a JSON array").isEqualTo(10L);
    }

    @Test
    void aBatchedResultLargerThanAFrameIsRefusedWithMessageTooLargeNamingTheLimit() throws Exception {
        provider.provide(Feed.class, new FeedImpl()).ready().get(10, TimeUnit.SECONDS);
        int limit = provider.session().maxFrameSize();
        CompletableFuture<Void> done = new CompletableFuture<>();
        caller.callStream("feed.ticks", new Object[] {limit}, Long.class).subscribe(new Flow.Subscriber<Long>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Long item) {
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
        try {
            done.get(10, TimeUnit.SECONDS);
            throw new AssertionError("the call did not fail");
        } catch (ExecutionException e) {
            RpcCallException failure = (RpcCallException) e.getCause();
            assertThat(failure.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
            assertThat(failure.reason()).contains("maxFrameSize (" + limit + " bytes)");
        }
    }
}
