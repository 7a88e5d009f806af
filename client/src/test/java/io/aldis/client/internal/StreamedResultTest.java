package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcCancel;
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
import io.aldis.protocol.api.stream.SenderCredit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A streamed result as the caller receives it (docs/protocol.md 6.4), against a played node. */
class StreamedResultTest {
    private static final long STREAM = 2;
    private final PlayedNode node = new PlayedNode();

    @AfterEach
    void nothingLeftOver() throws Exception {
        node.close();
    }

    private static byte[] json(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Subscribes to a streamed call of {@code ticks.count} and returns its RPC_REQUEST. */
    private <T> RpcRequest subscribe(RecordingSubscriber<T> subscriber, Class<T> itemType, CallOptions options) {
        Flow.Publisher<T> ticks = node.client.callStream("ticks.count", new Object[] {7}, itemType, options);
        node.noMoreOutbound(); // cold: nothing is called before a subscriber comes
        ticks.subscribe(subscriber);
        RpcRequest request = node.next(RpcRequest.class);
        assertThat(request.streams()).as("STREAMS flag").isTrue();
        assertThat(request.method()).isEqualTo("ticks.count");
        assertThat(new String(request.params(), StandardCharsets.UTF_8)).isEqualTo("[7]");
        return request;
    }

    /** Opens the result stream of {@code call} in {@code mode} and returns the client's first grant. */
    private int openResult(RpcRequest call, CreditMode mode) {
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, mode, 0, ""));
        StreamCredit first = node.next(StreamCredit.class);
        assertThat(first.streamId()).isEqualTo(STREAM);
        return first.credit();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 7, 42, 2026})
    void inItemsModeCreditIsNeverExceededAndComesBackAtHalfWhateverTheSubscriberRequests(long seed) throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        int h = 8;
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, Integer.class, CallOptions.defaults().withStreamHighWaterMark(h));
        assertThat(openResult(call, CreditMode.ITEMS)).isEqualTo(h);

        SenderCredit nodeCredit = new SenderCredit();
        nodeCredit.grant(h);
        Random random = new Random(seed);
        int total = 300;
        int sent = 0;
        while (subscriber.items.size() < total) {
            if (random.nextBoolean()) {
                for (int k = random.nextInt(h) + 1; k > 0 && sent < total; k--) {
                    if (nodeCredit.take(1) != SenderCredit.Verdict.SEND) {
                        break;
                    }
                    node.send(new StreamData(false, STREAM, json(sent++)));
                }
            } else {
                subscriber.request(random.nextInt(5) + 1);
            }
            takeGrants(nodeCredit, h);
            assertThat(sent - subscriber.items.size()).as("items held for the subscriber").isLessThanOrEqualTo(h);
        }
        finish(call, nodeCredit, subscriber);
        assertThat(subscriber.items).containsExactlyElementsOf(IntStream.range(0, total).boxed().toList());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {3, 11, 99})
    void inBytesModeCreditIsNeverExceededAndComesBackAtHalfWhateverTheSubscriberRequests(long seed) throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        int h = 1000;
        RecordingSubscriber<byte[]> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, byte[].class, CallOptions.defaults().withStreamHighWaterMark(h));
        assertThat(openResult(call, CreditMode.BYTES)).isEqualTo(h);

        SenderCredit nodeCredit = new SenderCredit();
        nodeCredit.grant(h);
        Random random = new Random(seed);
        int total = 200;
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            byte[] item = new byte[1 + random.nextInt(h / 2)];
            item[0] = (byte) i;
            items.add(item);
        }
        int sent = 0;
        while (subscriber.items.size() < total) {
            if (random.nextBoolean()) {
                while (sent < total && nodeCredit.take(items.get(sent).length) == SenderCredit.Verdict.SEND) {
                    node.send(new StreamData(false, STREAM, items.get(sent++)));
                }
            } else {
                subscriber.request(random.nextInt(3) + 1);
            }
            takeGrants(nodeCredit, h);
            long held = 0;
            for (int i = subscriber.items.size(); i < sent; i++) {
                held += items.get(i).length;
            }
            assertThat(held).as("bytes held for the subscriber").isLessThanOrEqualTo(h);
        }
        finish(call, nodeCredit, subscriber);
        assertThat(subscriber.items).containsExactlyElementsOf(items);
    }

    /** Applies the client's grants to the node's credit, which refuses one above the high-water mark. */
    private void takeGrants(SenderCredit nodeCredit, int h) {
        Frame f;
        while ((f = node.poll()) != null) {
            assertThat(f).isInstanceOf(StreamCredit.class);
            int credit = ((StreamCredit) f).credit();
            assertThat(2L * credit).as("credit comes back once half the high-water mark is consumed")
                    .isGreaterThanOrEqualTo(h);
            nodeCredit.grant(credit);
        }
    }

    private void finish(RpcRequest call, SenderCredit nodeCredit, RecordingSubscriber<?> subscriber) {
        node.send(new StreamEnd(STREAM));
        node.noMoreOutbound();
        assertThat(subscriber.done).as("not complete before the call's answer").isNotDone();
        node.send(new RpcResponse(call.callId(), json(null)));
        Frame last = node.poll();
        if (last != null) {
            nodeCredit.grant(((StreamCredit) last).credit());
        }
        assertThat(nodeCredit.allPaidBack()).as("every item paid back in the end").isTrue();
        assertThat(subscriber.done).isCompleted();
        node.noMoreOutbound();
    }

    @Test
    void aCallsAnswerReadAmongStreamItemsGoesOnWithTheItemsBeforeItWithoutWaitingForTheEndOfTheRead()
            throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest streamed = subscribe(subscriber, Integer.class, CallOptions.defaults());
        openResult(streamed, CreditMode.ITEMS);
        subscriber.request(Long.MAX_VALUE);
        CompletableFuture<String> answer = node.client.call("echo.echo", List.of("hi"), String.class);
        RpcRequest plain = node.next(RpcRequest.class);

        // One read that goes on after the answer: its end has not come yet.
        for (int i = 0; i < 3; i++) {
            node.channel.pipeline().fireChannelRead(new StreamData(false, STREAM, json(i)));
        }
        node.channel.pipeline().fireChannelRead(new RpcResponse(plain.callId(), json("\"hi\"")));
        node.channel.pipeline().fireChannelRead(new StreamData(false, STREAM, json(3)));
        assertThat(answer).as("the answer, before the read ended").isCompletedWithValue("hi");
        assertThat(subscriber.items).as("the items read before the answer").containsExactly(0, 1, 2);

        node.channel.pipeline().fireChannelReadComplete();
        assertThat(subscriber.items).containsExactly(0, 1, 2, 3);
        node.send(new StreamEnd(STREAM));
        node.send(new RpcResponse(streamed.callId(), json(null)));
        assertThat(subscriber.done).isCompleted();
        assertThat(node.next(StreamCredit.class).credit()).as("the final return").isEqualTo(4);
        node.noMoreOutbound();
    }

    @Test
    void aSubscriberThatRequestsNothingGetsNoMoreThanTheHighWaterMarkHeldAndGrantsNothingMore() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, Integer.class, CallOptions.defaults());
        int h = openResult(call, CreditMode.ITEMS);
        assertThat(h).as("the default high-water mark in items mode").isEqualTo(64);
        for (int i = 0; i < h; i++) {
            node.send(new StreamData(false, STREAM, json(i)));
        }
        node.noMoreOutbound();
        assertThat(subscriber.items).isEmpty();

        // One item more than the credit: the client holds no more than the window and says so.
        node.send(new StreamData(false, STREAM, json(h)));
        StreamError refused = node.next(StreamError.class);
        assertThat(refused.code()).isEqualTo(ErrorCode.STREAM_CREDIT_EXCEEDED.code());
        assertThat(((RpcCallException) subscriber.error()).code()).isEqualTo(ErrorCode.STREAM_CREDIT_EXCEEDED);
        assertThat(subscriber.items).isEmpty();
        node.send(new RpcError(call.callId(), ErrorCode.STREAM_CREDIT_EXCEEDED.code(), "credit exceeded", ""));
        node.noMoreOutbound();
    }

    @Test
    void theFinalReturnWaitsForTheCallsAnswerAndTheSubscriberCompletesAfterIt() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, Integer.class, CallOptions.defaults().withStreamHighWaterMark(4));
        openResult(call, CreditMode.ITEMS);
        subscriber.request(Long.MAX_VALUE);
        node.send(new StreamData(false, STREAM, json(1)));
        node.noMoreOutbound();
        node.send(new StreamData(false, STREAM, json(2)));
        assertThat(node.next(StreamCredit.class).credit()).as("returned at half of 4").isEqualTo(2);
        node.send(new StreamData(true, STREAM, json(3)));
        node.noMoreOutbound();
        assertThat(subscriber.items).containsExactly(1, 2, 3);
        assertThat(subscriber.done).isNotDone();

        node.send(new RpcResponse(call.callId(), json(null)));
        assertThat(node.next(StreamCredit.class).credit()).as("the final return, after the answer").isEqualTo(1);
        assertThat(subscriber.log).containsExactly("item", "item", "item", "complete");
        node.noMoreOutbound();
    }

    @Test
    void cancellingTheSubscriptionCancelsTheItemsAndTheCallAndDeliversNothingMore() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, Integer.class, CallOptions.defaults());
        openResult(call, CreditMode.ITEMS);
        node.send(new StreamData(false, STREAM, json(1)), new StreamData(false, STREAM, json(2)));
        subscriber.request(1);
        subscriber.subscription.cancel();
        assertThat(node.next(StreamCancel.class).streamId()).isEqualTo(STREAM);
        assertThat(node.next(RpcCancel.class).callId()).isEqualTo(call.callId());
        node.noMoreOutbound();

        // Frames that crossed the cancel, and the answer, reach nobody.
        subscriber.request(5);
        node.send(new StreamData(false, STREAM, json(3)), new StreamEnd(STREAM),
                new RpcError(call.callId(), ErrorCode.CANCELLED.code(), "cancelled", ""));
        assertThat(subscriber.items).containsExactly(1);
        assertThat(subscriber.log).containsExactly("item");
        node.noMoreOutbound();
    }

    @Test
    void aStreamOpenThatCrossedTheCancelIsDroppedQuietly() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, Integer.class, CallOptions.defaults());
        subscriber.subscription.cancel();
        assertThat(node.next(RpcCancel.class).callId()).isEqualTo(call.callId());
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""),
                new RpcError(call.callId(), ErrorCode.CANCELLED.code(), "cancelled", ""));
        assertThat(subscriber.log).isEmpty();
        node.noMoreOutbound();
    }

    @Test
    void aStreamErrorFailsTheSubscriberWithItsCode() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, Integer.class, CallOptions.defaults());
        openResult(call, CreditMode.ITEMS);
        subscriber.request(10);
        node.send(new StreamData(false, STREAM, json(1)));
        node.send(new StreamError(STREAM, ErrorCode.STREAM_FAILED.code(), "the source failed"));
        RpcCallException failure = (RpcCallException) subscriber.error();
        assertThat(failure.code()).isEqualTo(ErrorCode.STREAM_FAILED);
        assertThat(failure.reason()).isEqualTo("the source failed");
        assertThat(subscriber.items).containsExactly(1);
        node.send(new RpcError(call.callId(), ErrorCode.STREAM_FAILED.code(), "the source failed", ""));
        node.noMoreOutbound();
    }

    @Test
    void anRpcErrorFailsTheSubscriberWithTheCallsCode() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, Integer.class, CallOptions.defaults());
        node.send(new RpcError(call.callId(), ErrorCode.INVALID_PARAMS.code(), "parameter 'from': expected an integer",
                "{\"errors\":[{\"path\":\"from\",\"reason\":\"expected an integer\"}]}"));
        RpcCallException failure = (RpcCallException) subscriber.error();
        assertThat(failure.code()).isEqualTo(ErrorCode.INVALID_PARAMS);
        assertThat(failure.fieldErrors()).singleElement().satisfies(e -> assertThat(e.path()).isEqualTo("from"));
        node.noMoreOutbound();
    }

    @Test
    void aCallTheNodeLeavesUnansweredPastItsDeadlineFailsWithDeadlineExceededAndIsCancelled() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        node.client.callStream("ticks.count", null, Integer.class, CallOptions.timeout(java.time.Duration.ofMillis(1)))
                .subscribe(subscriber);
        RpcRequest call = node.next(RpcRequest.class);
        assertThat(call.timeoutMillis()).isEqualTo(1);
        subscriber.done.handle((v, e) -> null).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(((RpcCallException) subscriber.error()).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(node.next(RpcCancel.class).callId()).isEqualTo(call.callId());
        node.send(new RpcError(call.callId(), ErrorCode.DEADLINE_EXCEEDED.code(), "deadline", ""));
        node.noMoreOutbound();
    }

    @Test
    void aStreamOpenWithAClientsIdOrForACallWithoutStreamsIsAProtocolError() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        RpcRequest call = subscribe(subscriber, Integer.class, CallOptions.defaults());
        node.send(new StreamOpen(3, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        StreamError oddId = node.next(StreamError.class);
        assertThat(oddId.streamId()).as("refused on the stream offered, not with an ERROR naming a call").isEqualTo(3);
        assertThat(oddId.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        node.send(new StreamOpen(STREAM, 999, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        assertThat(node.next(StreamError.class).streamId()).isEqualTo(STREAM);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 5, ""));
        assertThat(node.next(StreamError.class).code()).as("direction 1 with an initial credit")
                .isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        node.send(new RpcError(call.callId(), ErrorCode.PROTOCOL_ERROR.code(), "refused", ""));
        assertThat(subscriber.error()).isInstanceOf(RpcCallException.class);
        node.noMoreOutbound();
    }
}
