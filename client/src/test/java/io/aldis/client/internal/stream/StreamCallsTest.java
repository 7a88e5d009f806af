package io.aldis.client.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.stream.SizeFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Which streaming calls a lost connection ends, when the news of the loss comes late. */
class StreamCallsTest {
    /** The client seen from the streams: frames recorded, and a connection the test replaces. */
    private static final class Host implements StreamHost {
        final List<Frame> sent = new ArrayList<>();
        Object connection = new Object();
        long ids;

        @Override
        public void send(Frame frame) {
            sent.add(frame);
        }

        @Override
        public void send(Frame frame, Consumer<Throwable> onFailure) {
            sent.add(frame);
        }

        @Override
        public Object connection() {
            return connection;
        }

        @Override
        public long nextCallId() {
            return ++ids;
        }

        @Override
        public SessionInfo openSession() {
            return connection == null ? null : new SessionInfo(UUID.randomUUID(), "alice",
                    EnumSet.of(Capability.RPC, Capability.STREAMS), 1 << 20, 10_000, 1L << 30, 1 << 18, false);
        }

        @Override
        public boolean announcedStreams() {
            return true;
        }

        @Override
        public Duration defaultTimeout() {
            return Duration.ZERO;
        }

        @Override
        public io.netty.util.Timeout schedule(Runnable task, long millis) {
            return null;
        }

        @Override
        public ObjectMapper mapper() {
            return new ObjectMapper();
        }

        @Override
        public SizeFunction sizeFunction(String name) {
            return null;
        }
    }

    private static CompletableFuture<Throwable> subscribe(Flow.Publisher<Integer> publisher) {
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<Integer>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
            }

            @Override
            public void onNext(Integer item) {
            }

            @Override
            public void onError(Throwable error) {
                failed.complete(error);
            }

            @Override
            public void onComplete() {
            }
        });
        return failed;
    }

    @Test
    void aLossEndsTheCallsOfTheLostConnectionButNotThoseAlreadyMadeOnTheNextOne() {
        Host host = new Host();
        StreamCalls calls = new StreamCalls(host);
        CompletableFuture<Throwable> onLost = subscribe(calls.callStream("a.b", null, Integer.class, CallOptions.defaults()));
        host.connection = new Object(); // reconnected before the loss was reported
        CompletableFuture<Throwable> onNew = subscribe(calls.callStream("a.b", null, Integer.class, CallOptions.defaults()));
        assertThat(host.sent).hasSize(2).allMatch(f -> f instanceof RpcRequest);

        calls.connectionLost("connection reset");
        assertThat(onLost).isCompleted();
        assertThat(((RpcCallException) onLost.join()).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(onNew).isNotDone();
        assertThat(calls.callsInFlight()).isEqualTo(1);

        host.connection = null;
        calls.connectionLost("connection reset again");
        assertThat(((RpcCallException) onNew.join()).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(calls.callsInFlight()).isZero();
    }
}
