package io.aldis.feature.rpc.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.api.RpcConstants;
import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.feature.rpc.internal.RecordingStreams;
import io.aldis.feature.rpc.internal.calls.Call;
import io.aldis.feature.rpc.internal.calls.Calls;
import io.aldis.feature.rpc.internal.calls.SessionReply;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.CallStreamListener;
import io.aldis.protocol.api.spi.stream.CallStreams;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.StreamCredit;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a call of a streaming method uses the streaming feature's {@link CallStreams}, played here
 * by a recording stand-in: what it opens, what it hands the method and the stream, and how the
 * stream's end answers the call.
 */
class StreamedCallsTest {
    public interface Feed {
        Flow.Publisher<String> words(int n);

        @StreamCredit(mode = CreditMode.BYTES, highWaterMark = 1000)
        CompletionStage<Long> sum(Flow.Publisher<Long> values);
    }

    static final class FeedImpl implements Feed {
        @Override
        public Flow.Publisher<String> words(int n) {
            SubmissionPublisher<String> words = new SubmissionPublisher<>(Runnable::run, 16);
            return subscriber -> {
                words.subscribe(subscriber);
                for (int i = 0; i < n; i++) {
                    words.submit("w" + i);
                }
                words.close();
            };
        }

        @Override
        public CompletionStage<Long> sum(Flow.Publisher<Long> values) {
            CompletableFuture<Long> total = new CompletableFuture<>();
            values.subscribe(new Flow.Subscriber<Long>() {
                private long sum;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Long value) {
                    sum += value;
                }

                @Override
                public void onError(Throwable failure) {
                    total.completeExceptionally(failure);
                }

                @Override
                public void onComplete() {
                    total.complete(sum);
                }
            });
            return total;
        }
    }

    private final Calls calls = new Calls(() -> 256, () -> 0);
    private final RecordingStreams streams = new RecordingStreams();
    private final ServiceInvoker invoker = new ServiceInvoker(calls, 2, 16, 0, () -> true,
            () -> RpcSettings.defaults().methodOnLoopMicros(), call -> true, () -> streams);
    private final ExportedService feed = ServiceExports.export(new FeedImpl(), Map.of(RpcConstants.SERVICE, "feed"), "b");
    private final RecordingSession alice = new RecordingSession("alice");

    @AfterEach
    void close() {
        calls.close();
        invoker.close();
    }

    private Call run(long id, String method, String params, boolean takesStreams) {
        Call call = calls.open(alice, id, "feed." + method, params.getBytes(StandardCharsets.UTF_8), 0, takesStreams,
                10, new SessionReply(alice));
        invoker.run(call, feed, feed.method(method));
        return call;
    }

    /** The next stream a call opened (calls run on workers). */
    private RecordingStreams.Stream opened() throws InterruptedException {
        RecordingStreams.Stream stream = streams.opened.poll(10, TimeUnit.SECONDS);
        assertThat(stream).as("a stream was opened").isNotNull();
        return stream;
    }

    private static String text(RpcResponse response) {
        return new String(response.result(), StandardCharsets.UTF_8);
    }

    @Test
    void aStreamedResultGoesOnTheStreamAndTheStreamsEndAnswersTheCall() throws Exception {
        run(1, "words", "[3]", true);
        RecordingStreams.Stream stream = opened();
        assertThat(stream.spec).isEqualTo(new StreamSpec("feed.words", StreamDirection.CALLEE_TO_CALLER,
                CreditMode.ITEMS, null, 0));
        assertThat(stream.sent.get(10, TimeUnit.SECONDS)).containsExactly("\"w0\"", "\"w1\"", "\"w2\"");
        assertThat(alice.pending()).as("no answer before the stream ends").isEmpty();
        stream.listener.ended();
        assertThat(text(alice.next(RpcResponse.class))).isEqualTo("null");
        assertThat(stream.answers).as("the answer went through the stream, which keeps it for a resume")
                .singleElement().isInstanceOf(RpcResponse.class);
        assertThat(stream.closed.get(10, TimeUnit.SECONDS)).isEqualTo("0 ");
    }

    @Test
    void aFailedStreamFailsTheCallWithItsCode() throws Exception {
        run(1, "words", "[1]", true);
        opened().listener.failed(ErrorCode.STREAM_CREDIT_EXCEEDED.code(), "too much");
        RpcError error = alice.next(RpcError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_CREDIT_EXCEEDED.code());
        assertThat(error.message()).isEqualTo("too much");
    }

    @Test
    void cancellingTheCallClosesItsStreamWithTheCode() throws Exception {
        Call call = run(1, "words", "[1]", true);
        RecordingStreams.Stream stream = opened();
        calls.abort(call, ErrorCode.CANCELLED.code(), "cancelled by the caller", true);
        assertThat(alice.next(RpcError.class).code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(stream.closed.get(10, TimeUnit.SECONDS)).isEqualTo("-403 cancelled by the caller");
    }

    @Test
    void aRefusedStreamFailsTheCall() throws Exception {
        streams.refusal = new ProtocolException(ErrorCode.STREAM_LIMIT, "too many streams on this session (limit 1)");
        run(1, "words", "[1]", true);
        RpcError error = alice.next(RpcError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_LIMIT.code());
        assertThat(error.message()).isEqualTo("too many streams on this session (limit 1)");
    }

    @Test
    void aStreamedParameterComesFromTheCallersItemsDecodedAndChecked() throws Exception {
        run(1, "sum", "[null]", true);
        RecordingStreams.Stream stream = opened();
        assertThat(stream.spec).isEqualTo(new StreamSpec("feed.sum", StreamDirection.CALLER_TO_CALLEE,
                CreditMode.BYTES, null, 1000));
        stream.subscribed.get(10, TimeUnit.SECONDS);
        stream.callerItems.submit("40".getBytes(StandardCharsets.UTF_8));
        stream.callerItems.submit("2".getBytes(StandardCharsets.UTF_8));
        stream.callerItems.close();
        assertThat(text(alice.next(RpcResponse.class))).isEqualTo("42");

        run(2, "sum", "[]", true);
        RecordingStreams.Stream second = opened();
        second.subscribed.get(10, TimeUnit.SECONDS);
        second.callerItems.submit("\"two\"".getBytes(StandardCharsets.UTF_8));
        RpcError invalid = alice.next(RpcError.class);
        assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(invalid.message()).isEqualTo("parameter 'values': expected an integer, got a string");
        assertThat(second.callerItems.getNumberOfSubscribers()).as("the caller's items were cancelled").isZero();
    }

    @Test
    void itemsOfAStreamedParameterAreNotAlsoTakenFromTheParameters() throws Exception {
        run(1, "sum", "[[1, 2]]", true);
        RpcError error = alice.next(RpcError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(error.message()).contains("'values'").contains("stream");
        assertThat(streams.opened).isEmpty();
    }

    @Test
    void aSessionThatTakesNoStreamsGetsBatchesEvenWithTheFlag() throws Exception {
        streams.only();
        run(1, "words", "[2]", true);
        assertThat(text(alice.next(RpcResponse.class))).isEqualTo("[\"w0\",\"w1\"]");
        run(2, "sum", "[null]", true);
        assertThat(alice.next(RpcError.class).code()).isEqualTo(ErrorCode.STREAMING_UNAVAILABLE.code());
        run(3, "sum", "[[1, 2]]", false);
        assertThat(text(alice.next(RpcResponse.class))).isEqualTo("3");
        assertThat(streams.opened).isEmpty();
    }
}
