package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.CallOptions;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.RpcCallException;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streams across a reconnect that does not resume them (docs/protocol.md 6.4.7, last paragraph). */
class StreamReconnectTest {
    private final PlayedNode node = new PlayedNode(EnumSet.of(Capability.RPC, Capability.STREAMS), Map.of(),
            ReconnectPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(1), 3), null);

    @AfterEach
    void nothingLeftOver() throws Exception {
        node.close();
    }

    @Test
    void aLostConnectionEndsTheStreamsOfCallsInFlightWithConnectionInterruptedAndSendsNothingOfThemAgain()
            throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        node.client.callStream("ticks.count", null, Integer.class, CallOptions.defaults()).subscribe(results);
        RpcRequest resultCall = node.next(RpcRequest.class);
        node.send(new StreamOpen(2, resultCall.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        node.next(StreamCredit.class);
        results.request(1);
        node.send(new StreamData(false, 2, "1".getBytes(StandardCharsets.UTF_8)));

        WatchedPublisher<Integer> numbers = new WatchedPublisher<>(List.of(1, 2, 3, 4));
        CompletableFuture<Long> counted = node.client.callWithStream("sum.all", new Object[] {numbers}, Long.class,
                CallOptions.defaults());
        RpcRequest paramCall = node.next(RpcRequest.class);
        node.send(new StreamOpen(4, paramCall.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 1, ""));
        node.next(StreamData.class);
        node.noMoreOutbound();

        var lost = node.channel;
        lost.close();
        assertThat(lost.finishAndReleaseAll()).as("nothing left on the lost connection").isFalse();
        results.done.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
        RpcCallException resultFailure = (RpcCallException) results.error();
        assertThat(resultFailure.code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(resultFailure.retryable()).isTrue();
        assertThat(results.items).containsExactly(1);
        try {
            counted.get(10, TimeUnit.SECONDS);
            throw new AssertionError("the call did not fail");
        } catch (ExecutionException e) {
            assertThat(((RpcCallException) e.getCause()).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        }
        assertThat(numbers.cancelled).as("the publisher's subscription was cancelled").isTrue();

        // The client comes back with a new connection; nothing of the old streams is sent, and
        // frames for them are dropped.
        node.accept(PlayedNode.ALL, 1 << 20);
        node.send(new StreamCredit(4, 1), new StreamData(false, 2, "2".getBytes(StandardCharsets.UTF_8)));
        node.noMoreOutbound();
        assertThat(results.items).containsExactly(1);
    }
}
