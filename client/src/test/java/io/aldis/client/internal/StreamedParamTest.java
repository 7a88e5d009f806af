package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.client.ServiceName;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A streamed parameter as the caller sends it (docs/protocol.md 6.4), against a played node. */
class StreamedParamTest {
    private static final long STREAM = 4;
    private final PlayedNode node = new PlayedNode();

    @AfterEach
    void nothingLeftOver() throws Exception {
        node.close();
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    private static List<String> lines(int n) {
        return IntStream.range(0, n).mapToObj(i -> "line " + i).toList();
    }

    private static RpcCallException failure(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return (RpcCallException) e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void itemsGoOutWithinTheNodesCreditInOrderAndEndWithStreamEnd() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(7));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {"a.txt", lines},
                Long.class, CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        assertThat(call.streams()).isTrue();
        assertThat(text(call.params())).as("the streamed parameter is null by position").isEqualTo("[\"a.txt\",null]");
        assertThat(lines.subscriptions).as("subscribed only once the stream opens").isZero();

        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 3, ""));
        for (int i = 0; i < 3; i++) {
            StreamData data = node.next(StreamData.class);
            assertThat(data.streamId()).isEqualTo(STREAM);
            assertThat(text(data.item())).isEqualTo("\"line " + i + "\"");
        }
        node.noMoreOutbound();
        assertThat(lines.requested).as("requested no more than the credit").isEqualTo(3);

        node.send(new StreamCredit(STREAM, 2));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 3\"");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 4\"");
        node.noMoreOutbound();
        assertThat(lines.requested).isEqualTo(5);

        node.send(new StreamCredit(STREAM, 3));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 5\"");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 6\"");
        assertThat(node.next(StreamEnd.class).streamId()).isEqualTo(STREAM);
        node.noMoreOutbound();
        assertThat(stored).isNotDone();

        node.send(new RpcResponse(call.callId(), "7".getBytes(StandardCharsets.UTF_8)));
        assertThat(stored).isCompletedWithValue(7L);
        node.noMoreOutbound();
    }

    @Test
    void inBytesModeAnItemWaitsUntilItsWholeCostIsCoveredAndOneTooLargeEndsTheStream() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        WatchedPublisher<byte[]> blocks = new WatchedPublisher<>(List.of(new byte[4], new byte[4], new byte[4],
                new byte[6]));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {blocks},
                Long.class, CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.BYTES, 10, ""));
        assertThat(node.next(StreamData.class).item()).hasSize(4);
        assertThat(node.next(StreamData.class).item()).hasSize(4);
        node.noMoreOutbound(); // 2 left, the third block costs 4
        assertThat(blocks.requested).as("one item at a time in bytes mode").isEqualTo(3);

        node.send(new StreamCredit(STREAM, 8));
        assertThat(node.next(StreamData.class).item()).hasSize(4);
        // 6 is more than half of 10 (5): it may never go.
        StreamError tooLarge = node.next(StreamError.class);
        assertThat(tooLarge.code()).isEqualTo(ErrorCode.STREAM_ITEM_TOO_LARGE.code());
        assertThat(tooLarge.message()).contains("costs 6").contains("(5)");
        assertThat(blocks.cancelled).isTrue();
        assertThat(failure(stored).code()).isEqualTo(ErrorCode.STREAM_ITEM_TOO_LARGE);
        node.send(new RpcError(call.callId(), ErrorCode.STREAM_ITEM_TOO_LARGE.code(), "too large", ""));
        node.noMoreOutbound();
    }

    @Test
    void aFailingPublisherEndsTheStreamWithStreamFailedAndFailsTheCall() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(1), new IllegalStateException("disk gone"));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 8, ""));
        node.next(StreamData.class);
        StreamError error = node.next(StreamError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).contains("disk gone");
        RpcCallException failed = failure(stored);
        assertThat(failed.code()).isEqualTo(ErrorCode.STREAM_FAILED);
        node.send(new RpcError(call.callId(), ErrorCode.STREAM_FAILED.code(), "failed", ""));
        node.noMoreOutbound();
    }

    @Test
    void aPublisherThatThrowsWhenSubscribedFailsTheStreamLikeOneThatSignalsAnError() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        Flow.Publisher<String> broken = subscriber -> {
            throw new IllegalStateException("not ready");
        };
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {broken}, Long.class,
                CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 8, ""));
        StreamError error = node.next(StreamError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).contains("not ready");
        assertThat(failure(stored).code()).isEqualTo(ErrorCode.STREAM_FAILED);
        node.send(new RpcError(call.callId(), ErrorCode.STREAM_FAILED.code(), "failed", ""));
        node.noMoreOutbound();
    }

    @Test
    void streamCancelFromTheCalleeCancelsThePublishersSubscription() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(10));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 1, ""));
        node.next(StreamData.class);
        node.send(new StreamCancel(STREAM));
        assertThat(lines.cancelled).isTrue();
        node.send(new StreamCredit(STREAM, 1));
        node.noMoreOutbound();
        node.send(new RpcResponse(call.callId(), "1".getBytes(StandardCharsets.UTF_8)));
        assertThat(stored).isCompletedWithValue(1L);
    }

    @Test
    void streamingUnavailableMakesTheCallAgainWithoutStreamsAndTheItemsAsAnArray() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(2));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {"a.txt", lines},
                Long.class, CallOptions.defaults());
        RpcRequest first = node.next(RpcRequest.class);
        assertThat(first.streams()).isTrue();
        node.send(new RpcError(first.callId(), ErrorCode.STREAMING_UNAVAILABLE.code(), "the callee cannot stream", ""));
        RpcRequest again = node.next(RpcRequest.class);
        assertThat(again.streams()).isFalse();
        assertThat(again.callId()).isNotEqualTo(first.callId());
        assertThat(text(again.params())).isEqualTo("[\"a.txt\",[\"line 0\",\"line 1\"]]");
        node.send(new RpcResponse(again.callId(), "2".getBytes(StandardCharsets.UTF_8)));
        assertThat(stored).isCompletedWithValue(2L);
        node.noMoreOutbound();
    }

    @Test
    void withoutStreamsOnTheNodeTheItemsGoAsOneArrayAndRawItemsAsArraysOfIntegers() throws Exception {
        node.open(PlayedNode.NO_STREAMS, 1 << 20);
        WatchedPublisher<byte[]> blocks = new WatchedPublisher<>(List.of(new byte[] {1, (byte) 255}, new byte[0]));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {"b", blocks},
                Long.class);
        RpcRequest call = node.next(RpcRequest.class);
        assertThat(call.streams()).isFalse();
        assertThat(text(call.params())).isEqualTo("[\"b\",[[1,255],[]]]");
        node.send(new RpcResponse(call.callId(), "3".getBytes(StandardCharsets.UTF_8)));
        assertThat(stored).isCompletedWithValue(3L);
    }

    @Test
    void aBatchThatWouldNotFitTheNodesFrameFailsWithoutBeingSent() throws Exception {
        node.open(PlayedNode.NO_STREAMS, 256);
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(100));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.defaults());
        RpcCallException failed = failure(stored);
        assertThat(failed.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        assertThat(failed.getMessage()).contains("maxFrameSize").contains("256");
        assertThat(lines.cancelled).as("collecting stopped at the limit").isTrue();
        node.noMoreOutbound();
    }

    @Test
    void cancellingACallWhoseBatchIsStillBeingCollectedStopsThePublisherAndSendsNothing() throws Exception {
        node.open(PlayedNode.NO_STREAMS, 1 << 20);
        boolean[] cancelled = {false};
        Flow.Publisher<String> endless = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                cancelled[0] = true;
            }
        });
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {endless}, Long.class,
                CallOptions.defaults());
        node.noMoreOutbound();
        stored.cancel(true);
        assertThat(cancelled[0]).isTrue();
        node.noMoreOutbound();
    }

    @ServiceName("chat")
    interface Chat {
        Flow.Publisher<String> talk(String room, Flow.Publisher<String> lines);

        CompletableFuture<Long> count(Flow.Publisher<Integer> numbers, CallOptions options);
    }

    @Test
    void aProxyStreamsBothWaysForAMethodThatTakesAndReturnsAPublisher() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        Chat chat = node.client.proxy(Chat.class);
        WatchedPublisher<String> lines = new WatchedPublisher<>(List.of("hi", "bye"));
        RecordingSubscriber<String> answers = new RecordingSubscriber<>();
        chat.talk("lobby", lines).subscribe(answers);
        RpcRequest call = node.next(RpcRequest.class);
        assertThat(call.method()).isEqualTo("chat.talk");
        assertThat(text(call.params())).isEqualTo("[\"lobby\",null]");

        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.BIDIRECTIONAL, CreditMode.ITEMS, 4, ""));
        assertThat(node.next(StreamCredit.class).credit()).isEqualTo(CallOptions.DEFAULT_ITEMS_HIGH_WATER_MARK);
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"hi\"");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"bye\"");
        node.next(StreamEnd.class);
        answers.request(10);
        node.send(new StreamData(false, STREAM, "\"HI\"".getBytes(StandardCharsets.UTF_8)),
                new StreamData(true, STREAM, "\"BYE\"".getBytes(StandardCharsets.UTF_8)),
                new RpcResponse(call.callId(), "null".getBytes(StandardCharsets.UTF_8)));
        assertThat(node.next(StreamCredit.class).credit()).as("the final return").isEqualTo(2);
        assertThat(answers.items).containsExactly("HI", "BYE");
        assertThat(answers.done).isCompleted();
        node.noMoreOutbound();
    }

    @Test
    void aProxyMethodWithAStreamedParameterReturnsTheResultAsync() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        Chat chat = node.client.proxy(Chat.class);
        CompletableFuture<Long> counted = chat.count(new WatchedPublisher<>(List.of(1, 2, 3)), CallOptions.noTimeout());
        RpcRequest call = node.next(RpcRequest.class);
        assertThat(call.timeoutMillis()).isZero();
        assertThat(text(call.params())).isEqualTo("[null]");
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 64, ""));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("1");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("2");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("3");
        node.next(StreamEnd.class);
        node.send(new RpcResponse(call.callId(), "3".getBytes(StandardCharsets.UTF_8)));
        assertThat(counted).isCompletedWithValue(3L);
        node.noMoreOutbound();
    }
}
