package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.aldis.client.Registration;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.stream.StreamCredit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streaming methods a client provides (docs/protocol.md 5.5, 6.4.1): described as streams to the
 * node, served on streams of their own to calls made with STREAMS, with batches to the others.
 */
class StreamProviderTest {
    private final PlayedNode node = new PlayedNode();

    @AfterEach
    void nothingLeftOver() throws Exception {
        node.close();
    }

    public interface Feed {
        Flow.Publisher<Long> ticks(long count);

        @StreamCredit(mode = CreditMode.BYTES, highWaterMark = 4096)
        long store(String name, Flow.Publisher<byte[]> blocks);

        @StreamCredit(mode = CreditMode.CUSTOM, highWaterMark = 100, sizeFunction = "chars")
        Flow.Publisher<String> shout(Flow.Publisher<String> lines);

        int plain(int a);
    }

    static final class FeedImpl implements Feed {
        final List<WatchedPublisher<Long>> published = new ArrayList<>();
        RuntimeException failure;

        @Override
        public Flow.Publisher<Long> ticks(long count) {
            WatchedPublisher<Long> ticks = new WatchedPublisher<>(LongStream.range(0, count).boxed().toList(), failure);
            published.add(ticks);
            return ticks;
        }

        @Override
        public long store(String name, Flow.Publisher<byte[]> blocks) {
            long[] bytes = {0};
            blocks.subscribe(new Flow.Subscriber<byte[]>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(byte[] item) {
                    bytes[0] += item.length;
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            return bytes[0];
        }

        @Override
        public Flow.Publisher<String> shout(Flow.Publisher<String> lines) {
            return lines;
        }

        @Override
        public int plain(int a) {
            return a;
        }
    }

    private final FeedImpl feed = new FeedImpl();

    private void provide(int maxFrameSize) throws Exception {
        provide(maxFrameSize, PlayedNode.ALL);
    }

    private void provide(int maxFrameSize, long nodeCapabilities) throws Exception {
        node.open(nodeCapabilities, maxFrameSize);
        Registration registration = node.client.provide(Feed.class, feed);
        ServiceProvide provide = node.next(ServiceProvide.class);
        node.send(new Ack(provide.requestId(), ""));
        assertThat(registration.ready()).isCompleted();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    @Test
    void theDescriptorMarksStreamedResultsAndParametersAndCarriesTheStreamCredit() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        node.client.provide(Feed.class, feed);
        ServiceProvide provide = node.next(ServiceProvide.class);
        assertThat(provide.service()).isEqualTo("feed");
        JsonNode methods = RpcSupport.MAPPER.readTree(provide.descriptor()).get("methods");
        JsonNode ticks = null;
        JsonNode store = null;
        JsonNode shout = null;
        JsonNode plain = null;
        for (JsonNode m : methods) {
            switch (m.get("name").asText()) {
                case "ticks" -> ticks = m;
                case "store" -> store = m;
                case "shout" -> shout = m;
                default -> plain = m;
            }
        }
        assertThat(ticks.toString()).isEqualTo("{\"name\":\"ticks\",\"params\":[\"count: long\"],\"result\":\"Stream<Long>\"}");
        assertThat(store.toString()).isEqualTo("{\"name\":\"store\",\"params\":[\"name: String\",\"blocks: Stream<bytes>\"],"
                + "\"result\":\"long\",\"stream\":{\"creditMode\":\"bytes\",\"highWaterMark\":4096}}");
        assertThat(shout.toString()).isEqualTo("{\"name\":\"shout\",\"params\":[\"lines: Stream<String>\"],"
                + "\"result\":\"Stream<String>\",\"stream\":{\"creditMode\":\"custom\",\"highWaterMark\":100,"
                + "\"sizeFunction\":\"chars\"}}");
        assertThat(plain.has("stream")).isFalse();
        node.send(new Ack(provide.requestId(), ""));
    }

    @Test
    void aStreamedResultIsCollectedIntoOneArray() throws Exception {
        provide(1 << 20);
        node.send(new RpcRequest(false, 100, 0, "feed.ticks", json("[3]")));
        RpcResponse response = node.next(RpcResponse.class);
        assertThat(response.callId()).isEqualTo(100);
        assertThat(text(response.result())).isEqualTo("[0,1,2]");
        node.noMoreOutbound();
    }

    @Test
    void aCallWithStreamsGetsTheStreamedResultOnAStreamWithinTheNodesCredit() throws Exception {
        provide(1 << 20);
        node.send(new RpcRequest(true, 101, 0, "feed.ticks", json("[3]")));
        StreamOpen open = node.next(StreamOpen.class);
        assertThat(open.streamId() % 2).as("a client's stream ids are odd").isEqualTo(1);
        assertThat(open.callId()).isEqualTo(101);
        assertThat(open.direction()).isEqualTo(StreamDirection.CALLEE_TO_CALLER);
        assertThat(open.creditMode()).isEqualTo(CreditMode.ITEMS);
        assertThat(open.initialCredit()).isZero();
        node.noMoreOutbound();
        assertThat(feed.published.get(0).requested).as("nothing asked before the node's grant").isZero();

        node.send(new io.aldis.protocol.api.StreamCredit(open.streamId(), 2));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("0");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("1");
        node.noMoreOutbound();
        assertThat(feed.published.get(0).requested).as("no more than the credit").isEqualTo(2);

        node.send(new io.aldis.protocol.api.StreamCredit(open.streamId(), 1));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("2");
        assertThat(node.next(StreamEnd.class).streamId()).isEqualTo(open.streamId());
        RpcResponse response = node.next(RpcResponse.class);
        assertThat(response.callId()).isEqualTo(101);
        assertThat(text(response.result())).isEqualTo("null");
        node.noMoreOutbound();
    }

    @Test
    void aStreamCancelOfTheNodeCancelsTheMethodsPublisherAndTheCallIsAnsweredCancelled() throws Exception {
        provide(1 << 20);
        node.send(new RpcRequest(true, 111, 0, "feed.ticks", json("[100]")));
        StreamOpen open = node.next(StreamOpen.class);
        node.send(new io.aldis.protocol.api.StreamCredit(open.streamId(), 1));
        node.next(StreamData.class);
        node.send(new StreamCancel(open.streamId()));
        RpcError error = node.next(RpcError.class);
        assertThat(error.callId()).isEqualTo(111);
        assertThat(error.code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(feed.published.get(0).cancelled).isTrue();
        node.send(new io.aldis.protocol.api.StreamCredit(open.streamId(), 1));
        node.noMoreOutbound();
    }

    @Test
    void aFailingPublisherOnAStreamEndsItWithStreamFailedAndThenTheCall() throws Exception {
        provide(1 << 20);
        feed.failure = new IllegalStateException("sensor offline");
        node.send(new RpcRequest(true, 112, 0, "feed.ticks", json("[1]")));
        StreamOpen open = node.next(StreamOpen.class);
        node.send(new io.aldis.protocol.api.StreamCredit(open.streamId(), 4));
        node.next(StreamData.class);
        StreamError streamError = node.next(StreamError.class);
        assertThat(streamError.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(streamError.message()).contains("sensor offline");
        RpcError error = node.next(RpcError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        node.noMoreOutbound();
    }

    @Test
    void aStreamedResultTooLargeForOneFrameIsAnsweredWithMessageTooLargeNamingTheLimit() throws Exception {
        provide(256);
        node.send(new RpcRequest(false, 102, 0, "feed.ticks", json("[1000]")));
        RpcError error = node.next(RpcError.class);
        assertThat(error.callId()).isEqualTo(102);
        assertThat(error.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE.code());
        assertThat(error.message()).contains("maxFrameSize (256 bytes)");
        assertThat(feed.published.get(0).cancelled).as("collecting stopped at the limit").isTrue();
        node.noMoreOutbound();
    }

    @Test
    void aFailingResultPublisherIsAnsweredWithStreamFailed() throws Exception {
        provide(1 << 20);
        feed.failure = new IllegalStateException("sensor offline");
        node.send(new RpcRequest(false, 103, 0, "feed.ticks", json("[2]")));
        RpcError error = node.next(RpcError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).contains("sensor offline");
        node.noMoreOutbound();
    }

    @Test
    void aStreamedParameterArrivesAsAnArrayAndReachesTheMethodAsAPublisher() throws Exception {
        provide(1 << 20);
        node.send(new RpcRequest(false, 104, 0, "feed.store", json("[\"a.bin\",[[1,2,3],[255],[]]]")));
        assertThat(text(node.next(RpcResponse.class).result())).isEqualTo("4");
        node.send(new RpcRequest(false, 105, 0, "feed.shout", json("{\"lines\":[\"a\",\"b\"]}")));
        assertThat(text(node.next(RpcResponse.class).result())).isEqualTo("[\"a\",\"b\"]");
        node.send(new RpcRequest(false, 106, 0, "feed.store", json("[\"a.bin\",[[256]]]")));
        assertThat(node.next(RpcError.class).code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        node.send(new RpcRequest(false, 109, 0, "feed.shout", json("[[\"a\",null]]")));
        RpcError nullItem = node.next(RpcError.class);
        assertThat(nullItem.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(nullItem.message()).contains("item 1").contains("null");
        node.noMoreOutbound();
    }

    @Test
    void aStreamedParameterOfTheWrongShapeIsAnsweredWithFieldErrors() throws Exception {
        provide(1 << 20);
        node.send(new RpcRequest(false, 107, 0, "feed.shout", json("[[\"a\",7]]")));
        RpcError error = node.next(RpcError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(error.details()).contains("lines[1]");
        node.noMoreOutbound();
    }

    public interface Tally {
        @StreamCredit(highWaterMark = 4)
        CompletionStage<Long> letters(Flow.Publisher<String> words);
    }

    /** Counts the letters of the words it is given, taking one word at a time. */
    static final class TallyImpl implements Tally {
        @Override
        public CompletionStage<Long> letters(Flow.Publisher<String> words) {
            CompletableFuture<Long> total = new CompletableFuture<>();
            words.subscribe(new Flow.Subscriber<String>() {
                private Flow.Subscription subscription;
                private long letters;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription = s;
                    s.request(1);
                }

                @Override
                public void onNext(String word) {
                    letters += word.length();
                    subscription.request(1);
                }

                @Override
                public void onError(Throwable failure) {
                    total.completeExceptionally(failure);
                }

                @Override
                public void onComplete() {
                    total.complete(letters);
                }
            });
            return total;
        }
    }

    @Test
    void aCallWithStreamsTakesTheStreamedParameterFromTheStreamWithItsOwnHighWaterMark() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        node.client.provide(Tally.class, new TallyImpl());
        node.send(new Ack(node.next(ServiceProvide.class).requestId(), ""));
        node.send(new RpcRequest(true, 108, 0, "tally.letters", json("[null]")));
        StreamOpen open = node.next(StreamOpen.class);
        assertThat(open.direction()).isEqualTo(StreamDirection.CALLER_TO_CALLEE);
        assertThat(open.initialCredit()).as("the method's high-water mark").isEqualTo(4);
        node.send(new StreamData(false, open.streamId(), json("\"ab\"")));
        node.noMoreOutbound();
        node.send(new StreamData(false, open.streamId(), json("\"c\"")));
        io.aldis.protocol.api.StreamCredit returned = node.next(io.aldis.protocol.api.StreamCredit.class);
        assertThat(returned.credit()).as("returned at half the high-water mark").isEqualTo(2);
        node.send(new StreamData(true, open.streamId(), json("\"defg\"")));
        assertThat(node.next(io.aldis.protocol.api.StreamCredit.class).credit()).as("the final return").isEqualTo(1);
        RpcResponse response = node.next(RpcResponse.class);
        assertThat(response.callId()).isEqualTo(108);
        assertThat(text(response.result())).isEqualTo("7");
        node.noMoreOutbound();
    }

    @Test
    void aCallWithStreamsOfAMethodWhoseSizeFunctionTheClientLacksIsRefusedWithoutAStream() throws Exception {
        provide(1 << 20);
        node.send(new RpcRequest(true, 113, 0, "feed.shout", json("[null]")));
        RpcError error = node.next(RpcError.class);
        assertThat(error.callId()).isEqualTo(113);
        assertThat(error.code()).isEqualTo(ErrorCode.UNKNOWN_SIZE_FUNCTION.code());
        node.noMoreOutbound();
    }

    @Test
    void aCallWithStreamsWhenTheSessionHasNoStreamsIsServedWithBatches() throws Exception {
        provide(1 << 20, PlayedNode.NO_STREAMS);
        node.send(new RpcRequest(true, 114, 0, "feed.ticks", json("[2]")));
        assertThat(text(node.next(RpcResponse.class).result())).isEqualTo("[0,1]");
        node.send(new RpcRequest(true, 115, 0, "feed.store", json("[\"a.bin\",null]")));
        assertThat(node.next(RpcError.class).code()).isEqualTo(ErrorCode.STREAMING_UNAVAILABLE.code());
        node.noMoreOutbound();
    }

    public interface TwoStreams {
        long both(Flow.Publisher<String> a, Flow.Publisher<String> b);
    }

    public interface CreditWithoutStream {
        @StreamCredit(highWaterMark = 5)
        long nothing(String a);
    }

    public interface BytesWithoutMark {
        @StreamCredit(mode = CreditMode.BYTES)
        long store(Flow.Publisher<byte[]> blocks);
    }

    @Test
    void declarationsTheProtocolDoesNotAllowAreRefusedWhenProvided() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        assertThatThrownBy(() -> node.client.provide(TwoStreams.class, (a, b) -> 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one parameter at most");
        assertThatThrownBy(() -> node.client.provide(CreditWithoutStream.class, a -> 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("streams nothing");
        assertThatThrownBy(() -> node.client.provide(BytesWithoutMark.class, blocks -> 0L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a highWaterMark");
        node.noMoreOutbound();
    }
}
