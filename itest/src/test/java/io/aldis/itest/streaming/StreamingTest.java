package io.aldis.itest.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.itest.support.FrameClient;
import io.aldis.itest.support.LeakWatch;
import io.aldis.itest.support.NodeFixture;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.CapabilityChange;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.Pong;
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
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.node.FrameHandler;
import io.aldis.protocol.api.spi.node.Session;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.ReceiverCredit;
import io.aldis.protocol.api.stream.SenderCredit;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The streaming feature in a real node over a real TCP connection, with a stand-in callee in place
 * of the RPC feature and a frame-level client as the caller (docs/protocol.md 6.4).
 */
@ExtendWith(LeakWatch.class)
class StreamingTest {
    private NodeFixture node;
    private StandInCallee callee;

    private FrameClient start(StreamingSettings settings) throws Exception {
        node = NodeFixture.builder().user("alice", "user").streaming(settings).start();
        callee = new StandInCallee(node::callStreams);
        node.node().addHandler(callee, Map.of(FrameHandler.CAPABILITY, "rpc"));
        return node.login("alice");
    }

    @AfterEach
    void stop() throws IOException {
        if (node != null) {
            node.close();
        }
    }

    private static void call(FrameClient c, long callId, String method, String params) throws IOException {
        c.send(new RpcRequest(true, callId, 0, method, params.getBytes(StandardCharsets.UTF_8)));
    }

    private static StreamOpen opened(FrameClient c, long callId) throws IOException {
        return c.next(f -> f instanceof StreamOpen o && o.callId() == callId);
    }

    private static long number(StreamData data) {
        return ByteBuffer.wrap(data.item()).getLong();
    }

    @Test
    void aStreamedResultOpensWaitsForCreditAndEndsBeforeTheCallsAnswer() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults());
        assertThat(alice.connectAck().capabilities() & Capability.STREAMS.mask()).isNotZero();
        call(alice, 1, "test.ticks", "[30, 16]");
        StreamOpen open = opened(alice, 1);
        assertThat(open.streamId() % 2).as("the node's ids are even").isZero();
        assertThat(open.streamId()).isNotZero();
        assertThat(open.direction()).isEqualTo(StreamDirection.CALLEE_TO_CALLER);
        assertThat(open.creditMode()).isEqualTo(CreditMode.ITEMS);
        assertThat(open.initialCredit()).isZero();

        ReceiverCredit credit = new ReceiverCredit(4);
        alice.send(new StreamCredit(open.streamId(), credit.initialGrant()));
        long expected = 0;
        boolean ended = false;
        while (!ended) {
            Frame f = alice.next(x -> x instanceof StreamData || x instanceof StreamEnd || x instanceof RpcResponse
                    || x instanceof RpcError || x instanceof StreamError);
            assertThat(f).isInstanceOfAny(StreamData.class, StreamEnd.class);
            if (f instanceof StreamData data) {
                credit.received(1);
                assertThat(number(data)).isEqualTo(expected++);
                ended = data.last();
                int grant = credit.consumed(1);
                // No credit for the last two items, whether the last one comes with LAST or the end
                // comes on its own as STREAM_END: so they are still unpaid when the answer comes.
                if (grant > 0 && !ended && expected < 30) {
                    alice.send(new StreamCredit(open.streamId(), grant));
                }
            } else {
                ended = true;
            }
        }
        assertThat(expected).isEqualTo(30);
        RpcResponse answer = alice.next(RpcResponse.class);
        assertThat(new String(answer.result(), StandardCharsets.UTF_8)).isEqualTo("null");
        // The node keeps the stream, for a resume, until the final return after the answer pays
        // the last items back.
        assertThat(node.streaming().streams().openStreams()).isOne();
        alice.send(new StreamCredit(open.streamId(), 2));
        alice.send(new Ping(5));
        assertThat(alice.next(Pong.class).nonce()).isEqualTo(5);
        assertThat(node.streaming().streams().openStreams()).isZero();
    }

    @Test
    void aCallerThatStopsGrantingStallsThePublisherAndItsCancelReleasesIt() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults());
        call(alice, 2, "test.ticks", "[1000000, 64]");
        StreamOpen open = opened(alice, 2);
        alice.send(new StreamCredit(open.streamId(), 8));
        for (int i = 0; i < 8; i++) {
            alice.next(StreamData.class);
        }
        // A PING's answer comes after anything the node had ready, so by now it sent all it would.
        alice.send(new Ping(1));
        alice.next(Pong.class);
        StandInCallee.Ticks ticks = callee.ticks.get(2L);
        assertThat(ticks.requested.get()).as("asked of the publisher with a credit of 8").isEqualTo(8);
        assertThat(node.streaming().view().streams()).singleElement()
                .satisfies(row -> assertThat(row.sendCredit()).isZero());

        alice.send(new StreamCancel(open.streamId()));
        RpcError answer = alice.next(RpcError.class);
        assertThat(answer.code()).isEqualTo(ErrorCode.CANCELLED.code());
        assertThat(answer.message()).isEqualTo("cancelled by the caller");
        assertThat(ticks.cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ticks.requested.get()).isEqualTo(8);
    }

    @Test
    void aClientThatDisconnectsMidStreamAndDoesNotResumeLeavesNoStreamAndNoRunningPublisher() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults().withResumeWindowMillis(200));
        call(alice, 9, "test.ticks", "[1000000, 512]");
        call(alice, 19, "test.sink", "[8]");
        StreamOpen open = opened(alice, 9);
        StreamOpen sink = opened(alice, 19);
        alice.send(new StreamCredit(open.streamId(), 16));
        alice.send(new StreamData(false, sink.streamId(), new byte[] {'1'}));
        alice.next(StreamData.class);
        assertThat(node.streaming().streams().openStreams()).isEqualTo(2);
        alice.close();
        assertThat(callee.outcomes.get(9L).get(10, TimeUnit.SECONDS)).isEqualTo("-406 the connection closed");
        assertThat(callee.outcomes.get(19L).get(10, TimeUnit.SECONDS)).isEqualTo("-406 the connection closed");
        assertThat(callee.ticks.get(9L).cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(node.streaming().streams().openStreams()).isZero();
        assertThat(node.streaming().view().streams()).isEmpty();
    }

    @Test
    void aClientThatLogsOutMidStreamKeepsNothingForAResume() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults());
        call(alice, 9, "test.ticks", "[1000000, 512]");
        StreamOpen open = opened(alice, 9);
        alice.send(new StreamCredit(open.streamId(), 16));
        alice.next(StreamData.class);

        alice.send(new Close(0, "bye"));

        assertThat(callee.outcomes.get(9L).get(10, TimeUnit.SECONDS)).isEqualTo("-406 the connection closed");
        assertThat(callee.ticks.get(9L).cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(node.streaming().streams().keptStreams()).isZero();
    }

    @Test
    void theCallersStreamErrorFailsTheCallWithItsCode() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults());
        call(alice, 3, "test.ticks", "[100, 8]");
        StreamOpen open = opened(alice, 3);
        alice.send(new StreamError(open.streamId(), ErrorCode.STREAM_FAILED.code(), "the caller's sink broke"));
        RpcError answer = alice.next(RpcError.class);
        assertThat(answer.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
        assertThat(answer.message()).isEqualTo("the caller's sink broke");
        assertThat(callee.ticks.get(3L).cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theCallersItemsArriveWithinTheNodesCreditAndTheAnswerCountsThem() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults());
        call(alice, 4, "test.sink", "[6]");
        StreamOpen open = opened(alice, 4);
        assertThat(open.direction()).isEqualTo(StreamDirection.CALLER_TO_CALLEE);
        SenderCredit credit = new SenderCredit();
        credit.grant(open.initialCredit());
        int sent = 0;
        while (sent < 40) {
            if (credit.take(1) == SenderCredit.Verdict.SEND) {
                alice.send(new StreamData(false, open.streamId(), ("{\"n\":" + sent++ + "}").getBytes()));
            } else {
                StreamCredit grant = alice.next(StreamCredit.class);
                assertThat(2 * grant.credit()).isGreaterThanOrEqualTo(6);
                credit.grant(grant.credit());
            }
        }
        alice.send(new StreamEnd(open.streamId()));
        RpcResponse answer = alice.next(RpcResponse.class);
        assertThat(new String(answer.result(), StandardCharsets.UTF_8)).isEqualTo("40");
    }

    @Test
    void itemsBeyondTheCreditAreAnsweredWithCreditExceeded() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults());
        call(alice, 5, "test.lazySink", "[2]");
        StreamOpen open = opened(alice, 5);
        for (int i = 0; i < 3; i++) {
            alice.send(new StreamData(false, open.streamId(), new byte[] {'1'}));
        }
        StreamError error = alice.next(StreamError.class);
        assertThat(error.code()).isEqualTo(ErrorCode.STREAM_CREDIT_EXCEEDED.code());
        assertThat(alice.next(RpcError.class).code()).isEqualTo(ErrorCode.STREAM_CREDIT_EXCEEDED.code());
    }

    @Test
    void streamsBeyondTheSessionsLimitFailTheirCallWithStreamLimit() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults().withMaxStreamsPerSession(2));
        call(alice, 10, "test.ticks", "[5, 8]");
        call(alice, 11, "test.ticks", "[5, 8]");
        opened(alice, 10);
        opened(alice, 11);
        call(alice, 12, "test.ticks", "[5, 8]");
        RpcError refused = alice.callError(12);
        assertThat(refused.code()).isEqualTo(ErrorCode.STREAM_LIMIT.code());
        assertThat(refused.message()).contains("2 streams open");
    }

    @Test
    void aClientThatOpensAndCancelsStreamsInALoopIsClosedWithRateLimited() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults().withRapidReset(20, 60_000));
        Close close = null;
        for (long callId = 100; close == null; callId++) {
            call(alice, callId, "test.ticks", "[5, 8]");
            long id = callId;
            Frame f = alice.next(x -> x instanceof StreamOpen o && o.callId() == id || x instanceof Close);
            if (f instanceof Close c) {
                close = c;
            } else {
                alice.send(new StreamCancel(((StreamOpen) f).streamId()));
            }
            assertThat(callId).as("closed within the configured rate").isLessThan(200);
        }
        assertThat(close.code()).isEqualTo(ErrorCode.RATE_LIMITED.code());
        assertThat(close.message()).contains("cancelled");
    }

    @Test
    void aPingGetsItsPongWhileAStreamRunsFlatOut() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults().withBytesPerTurn(16 * 1024));
        call(alice, 6, "test.blocks", "[2000, 8192]");
        StreamOpen open = opened(alice, 6);
        ReceiverCredit credit = new ReceiverCredit(1 << 20);
        alice.send(new StreamCredit(open.streamId(), credit.initialGrant()));
        alice.next(StreamData.class);
        credit.received(8192);
        credit.consumed(8192);
        alice.send(new Ping(77));
        boolean pong = false;
        boolean ended = false;
        while (!ended) {
            Frame f = alice.read();
            if (f instanceof Pong p && p.nonce() == 77) {
                pong = true;
            } else if (f instanceof StreamData data) {
                credit.received(CreditMeter.bytes().costOf(data.item()));
                ended = data.last();
                int grant = credit.consumed(data.item().length);
                if (grant > 0 && !ended) {
                    alice.send(new StreamCredit(open.streamId(), grant));
                }
                assertThat(ended && !pong).as("the PONG came before the stream's end").isFalse();
            } else if (f instanceof StreamEnd) {
                ended = true;
                assertThat(pong).as("the PONG came before the stream's end").isTrue();
            }
        }
        assertThat(pong).isTrue();
    }

    /**
     * Fair sharing, by frame order: a frame handed to the session while a stream runs flat out (an
     * RPC answer from a worker, a pub/sub delivery) waits behind at most the one turn of stream data
     * already queued on the connection's event loop, never behind all the items the credit would let
     * out. Such a frame is queued on the event loop; here it is queued from a task on that loop, so
     * the items the stream had sent at that moment are known exactly.
     */
    @Test
    void aFrameHandedOverWhileAStreamRunsFlatOutWaitsForAtMostOneTurn() throws Exception {
        int bytesPerTurn = 16 * 1024;
        int itemSize = 8192;
        // A turn goes on while it has budget left, so it also sends the item that overdraws it.
        int itemsPerTurn = (bytesPerTurn + itemSize + 10 - 1) / (itemSize + 10);
        FrameClient alice = start(StreamingSettings.defaults().withBytesPerTurn(bytesPerTurn));
        // Items mode: the node keeps up to 64 items ready ahead, which one turn could send at once.
        call(alice, 9, "test.ticks", "[4000, " + itemSize + "]");
        StreamOpen open = opened(alice, 9);
        ReceiverCredit credit = new ReceiverCredit(256);
        alice.send(new StreamCredit(open.streamId(), credit.initialGrant()));
        Session session = node.node().sessions().iterator().next();
        EventLoop loop = session.connection().channel().eventLoop();
        Map<Long, Long> sentWhenHandedOver = new ConcurrentHashMap<>();
        long received = 0;
        int checked = 0;
        boolean ended = false;
        while (!ended) {
            Frame f = alice.read();
            if (f instanceof StreamData data) {
                received++;
                ended = data.last();
                credit.received(1);
                int grant = credit.consumed(1);
                if (grant > 0 && !ended) {
                    alice.send(new StreamCredit(open.streamId(), grant));
                }
                if (received % 400 == 100) {
                    long marker = 1000 + received;
                    loop.execute(() -> {
                        sentWhenHandedOver.put(marker, node.streaming().view().streams().get(0).itemsSent());
                        loop.execute(() -> session.send(new RpcResponse(marker,
                                "\"aside\"".getBytes(StandardCharsets.UTF_8))));
                    });
                }
            } else if (f instanceof RpcResponse r && r.callId() >= 1000) {
                assertThat(received).as("stream items ahead of frame " + r.callId())
                        .isLessThanOrEqualTo(sentWhenHandedOver.get(r.callId()) + itemsPerTurn);
                checked++;
            } else if (f instanceof StreamEnd) {
                ended = true;
            }
        }
        assertThat(checked).as("frames handed over and seen before the stream's end").isEqualTo(10);
    }

    @Test
    void stoppingTheFeatureEndsRunningStreamsWithCapabilityUnavailableAndKeepsTheSession() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults());
        call(alice, 7, "test.ticks", "[1000000, 8]");
        StreamOpen open = opened(alice, 7);
        alice.send(new StreamCredit(open.streamId(), 4));
        alice.next(StreamData.class);
        node.stopStreaming();
        StreamError error = alice.next(StreamError.class);
        assertThat(error.streamId()).isEqualTo(open.streamId());
        assertThat(error.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
        RpcError answer = alice.callError(7);
        assertThat(answer.code()).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
        assertThat(answer.message()).isEqualTo("streaming was uninstalled");
        CapabilityChange change = alice.next(CapabilityChange.class);
        assertThat(change.capabilities() & Capability.STREAMS.mask()).isZero();
        assertThat(callee.ticks.get(7L).cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        alice.send(new Ping(8));
        assertThat(alice.next(Pong.class).nonce()).isEqualTo(8);
    }

    @Test
    void streamOpenFromAClientAndStreamResumeAreAnswered() throws Exception {
        FrameClient alice = start(StreamingSettings.defaults());
        alice.send(new StreamOpen(1, 42, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        StreamError refused = alice.next(StreamError.class);
        assertThat(refused.streamId()).isEqualTo(1);
        assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        alice.send(StreamResume.receiver(6, 0, 4, false));
        StreamError notFound = alice.next(StreamError.class);
        assertThat(notFound.streamId()).isEqualTo(6);
        assertThat(notFound.code()).isEqualTo(ErrorCode.STREAM_NOT_FOUND.code());
    }
}
