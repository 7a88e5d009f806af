package io.aldis.itest.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisClient;
import io.aldis.client.CallOptions;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The provider's connection of a relayed stream, frame by frame (docs/protocol.md 6.4.8): a
 * frame-level client provides a streaming method and a Java client calls it with streams through
 * a real node.
 */
@ExtendWith(LeakWatch.class)
class RelayWireTest {
    private static final String FEED = "{\"methods\":[{\"name\":\"ticks\",\"params\":[\"n: long\"],"
            + "\"result\":\"Stream<Long>\"}]}";
    private static final int MARK = 6;

    private NodeFixture node;
    private FrameClient provider;

    @BeforeEach
    void start() throws Exception {
        node = NodeFixture.builder().user("alice", "user").user("bob", "user").rpc().streaming().start();
        provider = node.login("bob");
        provider.send(new ServiceProvide(1, "feed", FEED));
        assertThat(provider.next(Ack.class).requestId()).isEqualTo(1);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    /** Collects every item, requesting all at once. */
    private static CompletableFuture<List<Long>> collect(Flow.Publisher<Long> items) {
        CompletableFuture<List<Long>> done = new CompletableFuture<>();
        List<Long> got = new ArrayList<>();
        items.subscribe(new Flow.Subscriber<Long>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Long item) {
                got.add(item);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                done.complete(got);
            }
        });
        return done;
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theNodeCallsWithStreamsGrantsTheCallersMarkAndPassesTheItemsOn() throws Exception {
        AldisClient caller = node.connect("alice");
        CompletableFuture<List<Long>> items = collect(caller.callStream("feed.ticks", new Object[] {3}, Long.class,
                CallOptions.defaults().withStreamHighWaterMark(MARK)));
        RpcRequest request = provider.next(RpcRequest.class);
        assertThat(request.streams()).as("forwarded with STREAMS").isTrue();

        provider.send(new StreamOpen(1, request.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        StreamCredit grant = provider.next(StreamCredit.class);
        assertThat(grant.streamId()).isEqualTo(1);
        assertThat(grant.credit()).as("the caller's own high-water mark").isEqualTo(MARK);
        provider.send(new StreamData(false, 1, json("0")));
        provider.send(new StreamData(false, 1, json("1")));
        provider.send(new StreamData(true, 1, json("2")));
        provider.send(new RpcResponse(request.callId(), json("null")));
        assertThat(items.get(10, TimeUnit.SECONDS)).containsExactly(0L, 1L, 2L);
        StreamCredit finalReturn = provider.next(StreamCredit.class);
        assertThat(finalReturn.credit()).as("everything paid back once answered").isEqualTo(3);
        // The caller's own final return, after the answer, lets the node drop its side of the stream.
        for (int i = 0; i < 200 && node.streaming().streams().openStreams() > 0; i++) {
            Thread.sleep(50);
        }
        assertThat(node.streaming().streams().openStreams()).as("nothing of a relayed stream lingers").isZero();
    }

    @Test
    void aStreamOpenForACallForwardedWithoutStreamsIsStillAProtocolError() throws Exception {
        AldisClient caller = node.connect(node.clientBuilder("alice").capabilities(EnumSet.of(Capability.RPC)));
        CompletableFuture<List<Long>> items = collect(caller.callStream("feed.ticks", new Object[] {2}, Long.class));
        RpcRequest request = provider.next(RpcRequest.class);
        assertThat(request.streams()).as("the caller takes no streams").isFalse();
        provider.send(new StreamOpen(1, request.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        StreamError refused = provider.next(StreamError.class);
        assertThat(refused.streamId()).as("on the stream offered, not as an ERROR naming the node's call")
                .isEqualTo(1);
        assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        provider.send(new RpcResponse(request.callId(), json("[0,1]")));
        assertThat(items.get(10, TimeUnit.SECONDS)).containsExactly(0L, 1L);
    }
}
