package io.aldis.feature.rpc.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.feature.rpc.internal.RecordingStreams;
import io.aldis.feature.rpc.internal.RpcEngine;
import io.aldis.feature.rpc.internal.RpcSettings;
import io.aldis.feature.rpc.spi.CallAnswer;
import io.aldis.feature.rpc.spi.RemoteCalls;
import io.aldis.feature.rpc.spi.RunningCall;
import io.aldis.feature.rpc.spi.StreamedAnswer;
import io.aldis.feature.rpc.spi.StreamingPeer;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.spi.auth.Authorizer;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import io.aldis.protocol.api.stream.ListPublisher;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Calls with streams between nodes, as RPC makes them: a call whose caller takes streams goes to a
 * node that relays streams with them, and its caller's stream opens when that node says its method
 * opened one; a caller that takes no stream sends the call without; and a call another node sent
 * with streams opens the method's stream through the opener it came with, not as a batch.
 */
class RemoteStreamsRoutingTest {
    private final RecordingStreams streams = new RecordingStreams();
    private final RpcEngine engine = new RpcEngine(RpcSettings.defaults(), () -> Authorizer.DEFAULT, () -> streams);
    private final StreamingNode other = new StreamingNode();

    public interface Counter {
        Flow.Publisher<Integer> count(int n);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void aCallWithStreamsGoesWithItsStreamAndTheCallersStreamOpensWhenTheServingNodeOpensOne() throws Exception {
        engine.remoteCalls(other);
        RecordingSession caller = new RecordingSession("alice");
        engine.call(caller, new RpcRequest(true, 1, 0, "far.count", utf8("[3]")));
        assertThat(other.streamed).hasSize(1);
        assertThat(other.plain).isEmpty();

        StreamedAnswer answer = other.streamed.get(0);
        StreamSpec spec = new StreamSpec("far.count", StreamDirection.NODE_TO_CLIENT, CreditMode.ITEMS, null, 0);
        CallStream opened = answer.opened(spec);
        RecordingStreams.Stream stream = streams.opened.poll(10, TimeUnit.SECONDS);
        assertThat(stream).isSameAs(opened);
        assertThat(stream.session).isSameAs(caller);
        assertThat(stream.callId).isEqualTo(1);
        assertThat(stream.spec).isEqualTo(spec);
        // The answer follows the stream's frames: it goes through the stream.
        answer.result(utf8("null"));
        assertThat(stream.answers).hasSize(1).first().isInstanceOf(RpcResponse.class);
    }

    @Test
    void aCallerThatTakesNoStreamSendsTheCallWithout() throws Exception {
        streams.only();
        engine.remoteCalls(other);
        RecordingSession caller = new RecordingSession("alice");
        engine.call(caller, new RpcRequest(true, 1, 0, "far.count", utf8("[3]")));
        assertThat(other.plain).hasSize(1);
        assertThat(other.streamed).isEmpty();
    }

    @Test
    void aCallAnotherNodeSentWithStreamsOpensTheMethodsStreamThroughItsOpener() throws Exception {
        engine.addService((Counter) n -> new ListPublisher<>(IntStream.range(0, n).boxed().toList()),
                Map.of("aldis.rpc.service", "counter"), "test");
        streams.loopback = true;
        RecordingSession nobody = new RecordingSession("peer");
        List<StreamSpec> specs = new CopyOnWriteArrayList<>();
        CompletableFuture<String> answered = new CompletableFuture<>();
        engine.localCalls().run("counter.count", utf8("[3]"), 5_000, (spec, listener) -> {
            specs.add(spec);
            return streams.open(nobody, -1, spec, listener);
        }, answerInto(answered));
        RecordingStreams.Stream stream = streams.opened.poll(10, TimeUnit.SECONDS);
        assertThat(stream).isNotNull();
        assertThat(specs).extracting(StreamSpec::direction).containsExactly(StreamDirection.NODE_TO_CLIENT);
        assertThat(stream.sent.get(10, TimeUnit.SECONDS)).containsExactly("0", "1", "2");
        // Answered on the stream, after its items (the stream's end answers the call, on the thread
        // that ended it), not through the plain answer.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stream.answers.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(stream.answers).hasSize(1).first().isInstanceOf(RpcResponse.class);
        assertThat(answered).isNotDone();

        CompletableFuture<String> batch = new CompletableFuture<>();
        engine.localCalls().run("counter.count", utf8("[3]"), 5_000, answerInto(batch));
        assertThat(batch.get(10, TimeUnit.SECONDS)).isEqualTo("[0,1,2]");
    }

    private static CallAnswer answerInto(CompletableFuture<String> into) {
        return new CallAnswer() {
            @Override
            public void result(byte[] json) {
                into.complete(new String(json, StandardCharsets.UTF_8));
            }

            @Override
            public void error(int code, String message, String details) {
                into.complete("error " + code);
            }
        };
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stands for another node that serves every service this one does not, and relays streams. */
    private static final class StreamingNode implements RemoteCalls, StreamingPeer {
        final List<CallAnswer> plain = new CopyOnWriteArrayList<>();
        final List<StreamedAnswer> streamed = new CopyOnWriteArrayList<>();

        @Override
        public Peer choose(String service, int localInFlight) {
            return localInFlight >= 0 ? null : this;
        }

        @Override
        public String name() {
            return "other";
        }

        @Override
        public RunningCall send(String method, byte[] params, int timeoutMillis, CallAnswer answer) {
            plain.add(answer);
            return () -> { };
        }

        @Override
        public RunningCall send(String method, byte[] params, int timeoutMillis, StreamedAnswer answer) {
            streamed.add(answer);
            return () -> { };
        }
    }
}
