package io.aldis.feature.streaming.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.spi.node.SessionState;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.StreamFailure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How streams end (docs/protocol.md 6.4.5): errors, cancels from either side, the call's end, the session's end. */
class StreamEndsTest {
    private final StreamRig rig = new StreamRig();
    private final TestSession session = TestSession.withStreams();
    private final StreamRig.Told told = new StreamRig.Told();

    private static List<byte[]> items(int count, int size) {
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new byte[size]);
        }
        return items;
    }

    private NodeStream open(StreamDirection direction, CreditMode mode, int h) {
        return (NodeStream) rig.open(session, 5, direction, mode, h, told);
    }

    @Test
    void theEndFollowsTheLastItemAndTheListenerHearsOfItAfterTheFrameWent() {
        List<String> order = new ArrayList<>();
        NodeStream[] opened = new NodeStream[1];
        NodeStream stream = (NodeStream) rig.open(session, 5, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                new CallStreamListener() {
                    @Override
                    public void ended() {
                        // what RPC does: the answer goes on the stream from the callback's thread
                        opened[0].answer(new RpcResponse(5, "null".getBytes(StandardCharsets.US_ASCII)));
                    }

                    @Override
                    public void failed(int code, String message) {
                        order.add("failed");
                    }
                });
        opened[0] = stream;
        stream.send(new StreamRig.Source(items(3, 4)));
        stream.credit(10);
        rig.settle(session);
        List<Frame> sent = session.sent;
        assertThat(sent).hasSize(5);
        assertThat(sent.get(0)).isInstanceOf(StreamOpen.class);
        assertThat(sent.subList(1, 4)).allMatch(f -> f instanceof StreamData);
        assertThat(((StreamData) sent.get(3)).last()).as("the last item carries LAST").isTrue();
        assertThat(sent.get(4)).isInstanceOf(RpcResponse.class);
        assertThat(order).isEmpty();
        assertThat(rig.streams.openStreams()).as("kept until the caller paid the items back").isOne();

        stream.credit(3);
        rig.settle(session);
        assertThat(rig.streams.openStreams()).isZero();
        assertThat(session.sent).hasSize(5);
    }

    @Test
    void aPublisherThatCompletesLaterEndsWithStreamEnd() {
        NodeStream stream = open(StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0);
        StreamRig.Source source = new StreamRig.Source(items(2, 1));
        source.completeWhenEmpty = false;
        stream.send(source);
        stream.credit(10);
        rig.settle(session);
        assertThat(told.events).isEmpty();
        session.channel.eventLoop().execute(() -> { });
        rig.pool.execute(() -> {
            source.completeWhenEmpty = true;
            source.emit();
        });
        rig.settle(session);
        assertThat(session.sent.get(session.sent.size() - 1)).isEqualTo(new StreamEnd(stream.streamId()));
        assertThat(told.events).containsExactly("ended");
    }

    @Test
    void aFailingPublisherEndsTheStreamWithStreamFailedInTheProtocolsWords() {
        NodeStream stream = open(StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0);
        StreamRig.Source source = new StreamRig.Source(items(1, 1));
        source.failWith = new IllegalStateException("disk on fire");
        stream.send(source);
        stream.credit(10);
        rig.settle(session);
        StreamError error = session.sent(StreamError.class).get(0);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).isEqualTo("stream processing failed: disk on fire");
        assertThat(told.events).containsExactly("failed");
        assertThat(told.code).isEqualTo(-502);
        assertThat(told.message).isEqualTo("stream processing failed: disk on fire");
    }

    @Test
    void aCodedFailureWhoseCodeIsNoErrorCodeEndsTheStreamWithStreamFailed() {
        NodeStream stream = open(StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0);
        StreamRig.Source source = new StreamRig.Source(items(1, 1));
        // Code 0 is no failure: a subclass that reports it must not end the stream "successfully failed".
        source.failWith = new StreamFailure(ErrorCode.CANCELLED.code(), "gauge broke") {
            @Override
            public int code() {
                return 0;
            }
        };
        stream.send(source);
        stream.credit(10);
        rig.settle(session);
        StreamError error = session.sent(StreamError.class).get(0);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).isEqualTo("stream processing failed: gauge broke");
        assertThat(told.code).isEqualTo(ErrorCode.STREAM_FAILED.code());
    }

    @Test
    void aPublisherThatSendsWithoutBeingAskedIsStoppedBeforeItFillsTheNode() {
        NodeStream stream = open(StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0);
        stream.send(subscriber -> {
            subscriber.onSubscribe(new java.util.concurrent.Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            for (int i = 0; i < 1000; i++) {
                subscriber.onNext(new byte[1]);
            }
        });
        rig.settle(session);
        StreamError error = session.sent(StreamError.class).get(0);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(error.message()).isEqualTo("stream processing failed: the service sent an item it was not asked for");
        assertThat(session.sent(StreamData.class)).isEmpty();
        assertThat(told.code).isEqualTo(-502);
    }

    @Test
    void aSubscriberThatThrowsFailsTheStream() {
        NodeStream stream = open(StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 4);
        StreamRig.Sink sink = new StreamRig.Sink() {
            @Override
            public void onNext(byte[] item) {
                throw new IllegalArgumentException("not a number");
            }
        };
        stream.received().subscribe(sink);
        rig.settle(session);
        stream.data(new StreamData(false, stream.streamId(), new byte[1]));
        sink.subscription.request(1);
        rig.settle(session);
        assertThat(session.sent(StreamError.class))
                .containsExactly(new StreamError(stream.streamId(), -502, "stream processing failed: not a number"));
        assertThat(told.code).isEqualTo(-502);
    }

    @Test
    void anItemAboveHalfTheCallersHighWaterMarkIsNotSent() {
        NodeStream stream = open(StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0);
        StreamRig.Source source = new StreamRig.Source(List.of(new byte[10], new byte[51]));
        stream.send(source);
        stream.credit(100);
        rig.settle(session);
        assertThat(session.sent(StreamData.class)).hasSize(1);
        StreamError error = session.sent(StreamError.class).get(0);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_ITEM_TOO_LARGE.code());
        assertThat(error.message()).contains("51").contains("50");
        assertThat(told.code).isEqualTo(-504);
        assertThat(source.cancelled).isTrue();
    }

    @Test
    void theCallersCancelReleasesThePublisherAndFailsTheCall() {
        NodeStream stream = open(StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0);
        StreamRig.Source source = new StreamRig.Source(items(100, 1));
        stream.send(source);
        stream.credit(4);
        rig.settle(session);
        stream.cancelledByCaller();
        rig.settle(session);
        assertThat(source.cancelled).isTrue();
        assertThat(told.events).containsExactly("failed");
        assertThat(told.code).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(told.message).isEqualTo("cancelled by the caller");
        assertThat(session.sent(StreamError.class)).as("the cancel needs no answer").isEmpty();
        assertThat(rig.streams.openStreams()).isZero();
    }

    @Test
    void theServiceCancellingItsSubscriptionSendsStreamCancel() {
        NodeStream stream = open(StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 8);
        StreamRig.Sink sink = new StreamRig.Sink();
        stream.received().subscribe(sink);
        rig.settle(session);
        stream.data(new StreamData(false, stream.streamId(), new byte[1]));
        sink.subscription.request(1);
        rig.settle(session);
        sink.subscription.cancel();
        rig.settle(session);
        assertThat(session.sent(StreamCancel.class)).containsExactly(new StreamCancel(stream.streamId()));
        stream.data(new StreamData(false, stream.streamId(), new byte[1]));
        rig.settle(session);
        assertThat(sink.items).hasSize(1);
        assertThat(rig.streams.openStreams()).as("kept until the call's answer went out").isOne();
        stream.answer(new RpcResponse(5, "1".getBytes(StandardCharsets.US_ASCII)));
        rig.settle(session);
        assertThat(session.sent.get(session.sent.size() - 1)).isInstanceOf(RpcResponse.class);
        assertThat(rig.streams.openStreams()).isZero();
    }

    @Test
    void itemsBeyondTheCreditAreAnsweredWithCreditExceeded() {
        NodeStream stream = open(StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 2);
        StreamRig.Sink sink = new StreamRig.Sink();
        stream.received().subscribe(sink);
        for (int i = 0; i < 3; i++) {
            stream.data(new StreamData(false, stream.streamId(), new byte[1]));
        }
        rig.settle(session);
        StreamError error = session.sent(StreamError.class).get(0);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_CREDIT_EXCEEDED.code());
        assertThat(told.code).isEqualTo(-501);
        assertThat(sink.failure).isNotNull();
        assertThat(rig.streams.view().counters()).containsEntry("creditExceeded", 1L);
    }

    @Test
    void anItemAboveHalfTheNodesHighWaterMarkIsAnsweredWithItemTooLarge() {
        NodeStream stream = open(StreamDirection.CALLER_TO_CALLEE, CreditMode.BYTES, 100);
        stream.data(new StreamData(false, stream.streamId(), new byte[51]));
        rig.settle(session);
        assertThat(session.sent(StreamError.class).get(0).code()).isEqualTo(ErrorCode.STREAM_ITEM_TOO_LARGE.code());
        assertThat(told.code).isEqualTo(-504);
    }

    @Test
    void theCallersStreamErrorEndsEverythingWithoutAnAnswer() {
        NodeStream stream = open(StreamDirection.BIDIRECTIONAL, CreditMode.ITEMS, 4);
        StreamRig.Source source = new StreamRig.Source(items(100, 1));
        stream.send(source);
        StreamRig.Sink sink = new StreamRig.Sink();
        stream.received().subscribe(sink);
        stream.credit(4);
        rig.settle(session);
        stream.errorFromCaller(new StreamError(stream.streamId(), -502, "the caller's source failed"));
        rig.settle(session);
        assertThat(source.cancelled).isTrue();
        assertThat(sink.failure).hasMessage("the caller's source failed");
        assertThat(told.code).isEqualTo(-502);
        assertThat(session.sent(StreamError.class)).isEmpty();
    }

    @Test
    void aCallersStreamErrorWhoseCodeIsNoErrorCodeEndsEverythingAsStreamFailed() {
        NodeStream stream = open(StreamDirection.BIDIRECTIONAL, CreditMode.ITEMS, 4);
        StreamRig.Source source = new StreamRig.Source(items(100, 1));
        stream.send(source);
        StreamRig.Sink sink = new StreamRig.Sink();
        stream.received().subscribe(sink);
        stream.credit(4);
        rig.settle(session);
        stream.errorFromCaller(new StreamError(stream.streamId(), 0, "zero is no error code"));
        rig.settle(session);
        assertThat(source.cancelled).isTrue();
        assertThat(sink.failure).hasMessage("zero is no error code");
        assertThat(told.code).isEqualTo(ErrorCode.STREAM_FAILED.code());
    }

    @Test
    void closeWithACodeCancelsTheCallersItemsAndStopsThePublisher() {
        NodeStream stream = open(StreamDirection.BIDIRECTIONAL, CreditMode.ITEMS, 4);
        StreamRig.Source source = new StreamRig.Source(items(100, 1));
        stream.send(source);
        StreamRig.Sink sink = new StreamRig.Sink();
        stream.received().subscribe(sink);
        stream.credit(4);
        rig.settle(session);
        int before = session.sent.size();
        stream.close(ErrorCode.DEADLINE_EXCEEDED.code(), "the deadline passed");
        stream.close(ErrorCode.DEADLINE_EXCEEDED.code(), "the deadline passed");
        rig.settle(session);
        assertThat(session.sent.subList(before, session.sent.size()))
                .containsExactly(new StreamCancel(stream.streamId()));
        assertThat(source.cancelled).isTrue();
        assertThat(sink.failure).hasMessage("the deadline passed");
        assertThat(told.events).as("the call already knows").isEmpty();
        assertThat(rig.streams.openStreams()).isZero();
    }

    @Test
    void closeWithoutACodeSendsNothing() {
        NodeStream stream = open(StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 4);
        StreamRig.Sink sink = new StreamRig.Sink();
        stream.received().subscribe(sink);
        rig.settle(session);
        int before = session.sent.size();
        stream.close(0, "");
        rig.settle(session);
        assertThat(session.sent).hasSize(before);
        assertThat(sink.failure).isNotNull();
        assertThat(rig.streams.openStreams()).isZero();
    }

    @Test
    void theSessionsEndReleasesEveryStreamAndItsServices() {
        NodeStream out = open(StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0);
        StreamRig.Source source = new StreamRig.Source(items(100, 1));
        out.send(source);
        out.credit(3);
        NodeStream in = open(StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 4);
        StreamRig.Sink sink = new StreamRig.Sink();
        in.received().subscribe(sink);
        rig.settle(session);
        int before = session.sent.size();
        session.state = SessionState.CLOSED;
        rig.streams.sessionClosed(session);
        rig.settle(session);
        assertThat(source.cancelled).isTrue();
        assertThat(sink.failure).isNotNull();
        assertThat(session.sent).hasSize(before);
        assertThat(rig.streams.openStreams()).isZero();
        assertThat(rig.streams.view().streams()).isEmpty();
        assertThat(session.writableCallbacks).isEmpty();
    }

    @Test
    void anOperatorsCancelAndTheFeaturesStopFailTheCallAndTellTheCaller() {
        NodeStream first = open(StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0);
        StreamRig.Told secondTold = new StreamRig.Told();
        NodeStream second = (NodeStream) rig.open(session, 6, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                secondTold);
        rig.settle(session);
        assertThat(rig.streams.cancel(first.streamId())).isTrue();
        assertThat(rig.streams.cancel(12345)).isFalse();
        rig.settle(session);
        assertThat(session.sent(StreamError.class))
                .containsExactly(new StreamError(first.streamId(), -403, "cancelled by an operator"));
        assertThat(told.message).isEqualTo("cancelled by an operator");

        var stopped = rig.streams.stopAll();
        rig.settle(session);
        assertThat(stopped).isDone();
        assertThat(session.sent(StreamError.class)).contains(new StreamError(second.streamId(),
                ErrorCode.CAPABILITY_UNAVAILABLE.code(), "streaming was uninstalled"));
        assertThat(secondTold.code).isEqualTo(-106);
        assertThat(secondTold.message).isEqualTo("streaming was uninstalled");
        assertThat(session.state).isEqualTo(SessionState.OPEN);
        assertThat(rig.streams.streams(session)).isFalse();
    }
}
