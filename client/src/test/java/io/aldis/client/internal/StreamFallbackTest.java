package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.stream.SizeFunction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streams and the session: the STREAMS capability, results that come as batches
 * (docs/protocol.md 6.4.1), size functions (6.4.4), and batches after a failed stream.
 */
class StreamFallbackTest {
    private static final long STREAM = 6;
    private PlayedNode node = new PlayedNode();

    @AfterEach
    void nothingLeftOver() throws Exception {
        node.close();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private RecordingSubscriber<Integer> subscribe(CallOptions options) {
        RecordingSubscriber<Integer> subscriber = new RecordingSubscriber<>();
        node.client.callStream("ticks.count", null, Integer.class, options).subscribe(subscriber);
        return subscriber;
    }

    @Test
    void theClientAnnouncesStreamsByDefaultAndTheCallCarriesTheFlagOnlyWhileTheNodeOffersThem() throws Exception {
        AldisClient defaults = AldisClient.builder().build();
        try {
            long announced = ((DefaultAldisClient) defaults).config().capabilities();
            assertThat(Capability.fromMask(announced)).contains(Capability.STREAMS, Capability.RPC);
        } finally {
            defaults.close().join();
        }

        Connect connect = node.open(PlayedNode.ALL, 1 << 20);
        assertThat(Capability.fromMask(connect.capabilities())).contains(Capability.STREAMS);
        RecordingSubscriber<Integer> first = subscribe(CallOptions.defaults());
        RpcRequest withStreams = node.next(RpcRequest.class);
        assertThat(withStreams.streams()).isTrue();
        node.send(new RpcResponse(withStreams.callId(), json("[]")));
        assertThat(first.done).isCompleted();

        node.send(new CapabilityChange(PlayedNode.NO_STREAMS));
        subscribe(CallOptions.defaults());
        RpcRequest without = node.next(RpcRequest.class);
        assertThat(without.streams()).as("the node no longer offers STREAMS").isFalse();
        node.send(new RpcResponse(without.callId(), json("[]")));
        node.noMoreOutbound();
    }

    @Test
    void aClientThatDidNotAnnounceStreamsNeverSetsTheFlag() throws Exception {
        node.close();
        node = new PlayedNode(EnumSet.of(Capability.RPC), Map.of(), io.aldis.client.ReconnectPolicy.none(), null);
        node.open(PlayedNode.ALL, 1 << 20);
        subscribe(CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        assertThat(call.streams()).isFalse();
        node.send(new RpcResponse(call.callId(), json("[1]")));
    }

    @Test
    void withoutStreamsTheBatchedResultIsPublishedAsTheSubscriberRequests() throws Exception {
        node.open(PlayedNode.NO_STREAMS, 1 << 20);
        RecordingSubscriber<Integer> subscriber = subscribe(CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        assertThat(call.streams()).isFalse();
        node.send(new RpcResponse(call.callId(), json("[1,2,3]")));
        assertThat(subscriber.items).isEmpty();
        subscriber.request(2);
        assertThat(subscriber.items).containsExactly(1, 2);
        assertThat(subscriber.done).isNotDone();
        subscriber.request(1);
        assertThat(subscriber.items).containsExactly(1, 2, 3);
        assertThat(subscriber.done).isCompleted();
        node.noMoreOutbound();
    }

    @Test
    void aCallMadeWithStreamsAcceptsABatchedAnswerAndRawItemsComeFromArraysOfIntegers() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<ByteBuffer> subscriber = new RecordingSubscriber<>();
        node.client.callStream("blobs.read", "x", ByteBuffer.class).subscribe(subscriber);
        RpcRequest call = node.next(RpcRequest.class);
        assertThat(call.streams()).isTrue();
        assertThat(new String(call.params(), StandardCharsets.UTF_8)).isEqualTo("\"x\"");
        node.send(new RpcResponse(call.callId(), json("[[1,2,255],[]]")));
        subscriber.request(5);
        assertThat(subscriber.items).hasSize(2);
        assertThat(subscriber.items.get(0)).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, (byte) 255}));
        assertThat(subscriber.items.get(1).remaining()).isZero();
        assertThat(subscriber.done).isCompleted();
        node.noMoreOutbound();
    }

    @Test
    void aBatchThatIsNotAnArrayFailsTheSubscriber() throws Exception {
        node.open(PlayedNode.NO_STREAMS, 1 << 20);
        RecordingSubscriber<Integer> subscriber = subscribe(CallOptions.defaults());
        node.send(new RpcResponse(node.next(RpcRequest.class).callId(), json("{\"a\":1}")));
        assertThat(((RpcCallException) subscriber.error()).code()).isEqualTo(ErrorCode.SERVICE_ERROR);
        assertThat(subscriber.error().getMessage()).contains("a list of java.lang.Integer");
    }

    @Test
    void aNullItemFailsTheSubscriberAndCancelsTheCallSinceAPublisherCannotPassItOn() throws Exception {
        node.open(PlayedNode.NO_STREAMS, 1 << 20);
        RecordingSubscriber<Integer> subscriber = subscribe(CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new RpcResponse(call.callId(), json("[1,null,3]")));
        subscriber.request(3);
        assertThat(subscriber.items).containsExactly(1);
        assertThat(subscriber.error()).hasMessageContaining("null item");
        node.noMoreOutbound(); // answered already: nothing to cancel
    }

    @Test
    void anUnknownSizeFunctionIsRefusedWithUnknownSizeFunctionAndFailsTheCall() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = subscribe(CallOptions.defaults());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.CUSTOM, 0,
                "{\"sizeFunction\":\"utf16-units\"}"));
        StreamError refused = node.next(StreamError.class);
        assertThat(refused.streamId()).isEqualTo(STREAM);
        assertThat(refused.code()).isEqualTo(ErrorCode.UNKNOWN_SIZE_FUNCTION.code());
        assertThat(refused.message()).contains("utf16-units");
        assertThat(((RpcCallException) subscriber.error()).code()).isEqualTo(ErrorCode.UNKNOWN_SIZE_FUNCTION);
        node.send(new RpcError(call.callId(), ErrorCode.UNKNOWN_SIZE_FUNCTION.code(), "unknown", ""));
        node.noMoreOutbound();
    }

    @Test
    void aRegisteredSizeFunctionCountsTheItemsOfACustomStream() throws Exception {
        node.close();
        SizeFunction perChar = new SizeFunction() {
            @Override
            public String name() {
                return "chars";
            }

            @Override
            public long sizeOf(ByteBuffer item) {
                return item.remaining() - 2L; // a JSON string without its quotes
            }
        };
        node = new PlayedNode(EnumSet.of(Capability.RPC, Capability.STREAMS), Map.of("chars", perChar),
                io.aldis.client.ReconnectPolicy.none(), null);
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        node.client.callStream("words.all", null, String.class, CallOptions.defaults().withStreamHighWaterMark(10))
                .subscribe(subscriber);
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.CUSTOM, 0,
                "{\"sizeFunction\":\"chars\"}"));
        assertThat(node.next(StreamCredit.class).credit()).isEqualTo(10);
        subscriber.request(10);
        node.send(new io.aldis.protocol.api.StreamData(false, STREAM, json("\"abcde\"")));
        assertThat(node.next(StreamCredit.class).credit()).as("5 of 10 consumed: half").isEqualTo(5);
        node.send(new io.aldis.protocol.api.StreamData(false, STREAM, json("\"abcdef\"")));
        assertThat(node.next(StreamError.class).code()).as("6 is more than half of 10")
                .isEqualTo(ErrorCode.STREAM_ITEM_TOO_LARGE.code());
        assertThat(subscriber.items).containsExactly("abcde");
        node.send(new RpcError(call.callId(), ErrorCode.STREAM_ITEM_TOO_LARGE.code(), "too large", ""));
        node.noMoreOutbound();
    }

    @Test
    void afterAStreamErrorTheCallIsMadeAgainAsABatchOnlyWhenTheCallerAllowedIt() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> subscriber = subscribe(CallOptions.defaults().withBatchAfterStreamError(true));
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        node.next(StreamCredit.class);
        node.send(new StreamError(STREAM, ErrorCode.STREAM_LIMIT.code(), "too many streams"));
        assertThat(subscriber.done).as("waiting for the answer to decide").isNotDone();
        node.send(new RpcError(call.callId(), ErrorCode.STREAM_LIMIT.code(), "too many streams", ""));
        RpcRequest again = node.next(RpcRequest.class);
        assertThat(again.streams()).isFalse();
        node.send(new RpcResponse(again.callId(), json("[4,5]")));
        subscriber.request(2);
        assertThat(subscriber.items).containsExactly(4, 5);
        assertThat(subscriber.done).isCompleted();

        RecordingSubscriber<Integer> strict = subscribe(CallOptions.defaults());
        RpcRequest other = node.next(RpcRequest.class);
        node.send(new RpcError(other.callId(), ErrorCode.STREAM_LIMIT.code(), "too many streams", ""));
        assertThat(((RpcCallException) strict.error()).code()).isEqualTo(ErrorCode.STREAM_LIMIT);
        node.noMoreOutbound();
    }
}
