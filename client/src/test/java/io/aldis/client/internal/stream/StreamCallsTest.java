package io.aldis.client.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aldis.client.CallOptions;
import io.aldis.client.RpcCallException;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.stream.SenderCredit;
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

/**
 * Which streaming calls a lost connection ends or keeps for the session's resume, when the news of
 * the loss, and of the reconnect, comes late.
 */
class StreamCallsTest {
    /** The client seen from the streams: frames recorded, and a connection the test replaces. */
    private static final class Host implements StreamHost {
        final List<Frame> sent = new ArrayList<>();
        Object connection = new Object();
        long ids;
        boolean sharing;

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
        public java.util.concurrent.Executor streamDelivery() {
            return Runnable::run;
        }

        @Override
        public boolean sharingConnection() {
            return sharing;
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

    /** A streamed result whose stream the node opened with {@code streamId}; returns its subscriber's failure. */
    private static CompletableFuture<Throwable> openResult(Host host, StreamCalls calls, long streamId) {
        CompletableFuture<Throwable> failed = subscribe(calls.callStream("a.b", null, Integer.class,
                CallOptions.defaults()));
        RpcRequest request = (RpcRequest) host.sent.get(host.sent.size() - 1);
        calls.consume(new StreamOpen(streamId, request.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS,
                0, ""));
        assertThat(host.sent.get(host.sent.size() - 1)).isInstanceOf(StreamCredit.class);
        return failed;
    }

    @Test
    void aStreamOpenForNoCallOfOursIsRefusedOnItsStreamNotWithAnErrorNamingTheCall() {
        Host host = new Host();
        StreamCalls calls = new StreamCalls(host);

        calls.consume(new StreamOpen(8, 77, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));

        assertThat(host.sent).singleElement().isInstanceOfSatisfying(StreamError.class, refused -> {
            assertThat(refused.streamId()).isEqualTo(8);
            assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        });
    }

    @Test
    void aKeptCallIsResumedOnceThoughTheNewsOfALossComesAfterTheResume() {
        Host host = new Host();
        StreamCalls calls = new StreamCalls(host);
        CompletableFuture<Throwable> failed = openResult(host, calls, 2);
        host.sent.clear();

        host.connection = null;
        calls.connectionLost("reset", true);
        calls.connectionLost("reset while reconnecting", true); // a second break before any session
        assertThat(failed).isNotDone();
        assertThat(calls.callsInFlight()).isEqualTo(1);

        Object resumedOn = new Object();
        host.connection = resumedOn;
        calls.sessionResumed();
        calls.sessionResumed(); // the events of two reconnects, handled once the second is open
        assertThat(host.sent).singleElement().isEqualTo(StreamResume.receiver(2, 0, 64, false));

        // The news of the lost second connection comes after the resume on the third: it is not this
        // stream's connection any more.
        calls.connectionLost("reset of an older connection", true);
        calls.sessionResumed();
        assertThat(host.sent).hasSize(1);
        assertThat(failed).isNotDone();

        host.connection = null;
        calls.connectionLost("reset, and no reconnect", false);
        assertThat(((RpcCallException) failed.join()).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(calls.callsInFlight()).isZero();
        assertThat(calls.openStreams()).isZero();
    }

    @Test
    void onlyTheStreamsResumedOnTheOpenConnectionEndWhenTheNodeDoesNotKnowStreamResume() {
        Host host = new Host();
        StreamCalls calls = new StreamCalls(host);
        CompletableFuture<Throwable> kept = openResult(host, calls, 2);
        host.connection = null;
        calls.connectionLost("reset", true);
        host.connection = new Object();
        calls.sessionResumed();
        CompletableFuture<Throwable> madeAfter = openResult(host, calls, 4);

        calls.resumeRefused("the node does not resume streams");
        assertThat(((RpcCallException) kept.join()).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(madeAfter).as("a stream opened on this connection has nothing to do with resuming").isNotDone();
        assertThat(calls.callsInFlight()).isEqualTo(1);
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
    @Test
    void whenTheClientStopsSharingItsConnectionAStreamGetsWhatItsShareHeldBack() {
        Host host = new Host();
        StreamCalls calls = new StreamCalls(host);
        calls.<byte[]>callStream("a.blocks", null, byte[].class, CallOptions.defaults().withStreamHighWaterMark(1024))
                .subscribe(new Flow.Subscriber<byte[]>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(byte[] item) {
                    }

                    @Override
                    public void onError(Throwable error) {
                    }

                    @Override
                    public void onComplete() {
                    }
                });
        RpcRequest request = (RpcRequest) host.sent.get(host.sent.size() - 1);
        calls.consume(new StreamOpen(2, request.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0, ""));
        SenderCredit node = new SenderCredit();
        node.grant(((StreamCredit) host.sent.get(host.sent.size() - 1)).credit());
        host.sent.clear();

        host.sharing = true;
        for (int i = 0; i < 64; i++) {
            assertThat(node.take(64)).isEqualTo(SenderCredit.Verdict.SEND);
            calls.consume(new StreamData(false, 2, new byte[64]));
            calls.framesDispatched();
            host.sent.forEach(f -> node.grant(((StreamCredit) f).credit()));
            host.sent.clear();
        }
        assertThat(node.credit()).as("kept to an eighth of the window").isLessThanOrEqualTo(128);
        assertThat(node.take(400)).as("an item larger than those before waits").isEqualTo(SenderCredit.Verdict.WAIT);

        host.sharing = false;
        calls.shareLifted();
        assertThat(host.sent).singleElement().isInstanceOf(StreamCredit.class);
        node.grant(((StreamCredit) host.sent.get(0)).credit());
        assertThat(node.credit()).as("everything consumed is back").isEqualTo(1024);
        assertThat(node.take(400)).isEqualTo(SenderCredit.Verdict.SEND);
    }
}
