package io.aldis.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.client.AldisException;
import io.aldis.client.CallOptions;
import io.aldis.client.ConnectionListener;
import io.aldis.client.DisconnectReason;
import io.aldis.client.ReconnectPolicy;
import io.aldis.client.RpcCallException;
import io.aldis.client.SessionInfo;
import io.aldis.protocol.api.Ack;
import io.aldis.protocol.api.Capability;
import io.aldis.protocol.api.Connect;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcCancel;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcRequest;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.ServiceProvide;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.stream.ReceiverCredit;
import io.aldis.protocol.api.stream.ResendBuffer;
import io.aldis.protocol.api.stream.ResumePoint;
import io.aldis.protocol.api.stream.SenderCredit;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Streams kept across a broken connection and resumed with the session (docs/protocol.md 6.4.7),
 * against a played node: what the client sends on the new connection, what it sends again, and
 * what ends a kept stream instead.
 */
class StreamResumeTest {
    private static final long RESULT_STREAM = 2;
    private static final long PARAM_STREAM = 4;
    private static final long BOTH_STREAM = 6;
    private static final int ATTEMPTS = 3;

    /** The connection events the application hears, in order. */
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final PlayedNode node = new PlayedNode(EnumSet.of(Capability.RPC, Capability.STREAMS), Map.of(),
            ReconnectPolicy.exponential(Duration.ofMillis(1), Duration.ofMillis(1), ATTEMPTS),
            new ConnectionListener() {
                @Override
                public void disconnected(DisconnectReason reason) {
                    events.add("disconnected");
                }

                @Override
                public void reconnected(SessionInfo session) {
                    events.add("reconnected resumed=" + session.resumed());
                }

                @Override
                public void reconnectFailed(AldisException cause) {
                    events.add("reconnect failed");
                }
            });

    @AfterEach
    void nothingLeftOver() throws Exception {
        node.close();
    }

    private static byte[] json(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    private static List<String> lines(int n) {
        return IntStream.range(0, n).mapToObj(i -> "line " + i).toList();
    }

    private String nextEvent(String prefix) throws InterruptedException {
        for (;;) {
            String event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("a connection event starting with " + prefix).isNotNull();
            if (event.startsWith(prefix)) {
                return event;
            }
        }
    }

    /** Cuts the connection and waits until the client has dealt with the loss. */
    private void breakConnection() throws Exception {
        assertThat(cutConnection()).as("nothing left on the lost connection").isFalse();
    }

    /** Cuts the connection, losing what the client wrote and the node did not read; true if there was some. */
    private boolean cutConnection() throws Exception {
        EmbeddedChannel lost = node.channel;
        lost.close();
        boolean unread = lost.finishAndReleaseAll();
        nextEvent("disconnected");
        node.awaitCallbacksHere();
        return unread;
    }

    /** Lets the client reconnect and resume its session by token. */
    private Connect resumeSession() throws Exception {
        Connect connect = node.accept(PlayedNode.ALL, 1 << 20);
        assertThat(nextEvent("reconnected")).isEqualTo("reconnected resumed=true");
        return connect;
    }

    private static RpcCallException errorOf(RecordingSubscriber<?> subscriber) throws Exception {
        return failure(subscriber.done);
    }

    private static RpcCallException failure(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
            throw new AssertionError("the call did not fail");
        } catch (ExecutionException e) {
            return (RpcCallException) e.getCause();
        }
    }

    /** A streamed result of numbers with the given high-water mark: the call, its STREAM_OPEN and the grant. */
    private RpcRequest openResultStream(RecordingSubscriber<Integer> results, int highWaterMark) {
        node.client.callStream("ticks.count", null, Integer.class,
                CallOptions.noTimeout().withStreamHighWaterMark(highWaterMark)).subscribe(results);
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(RESULT_STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                ""));
        assertThat(node.next(StreamCredit.class).credit()).isEqualTo(highWaterMark);
        return call;
    }

    private void sendItems(int from, int to) {
        for (int i = from; i < to; i++) {
            node.send(new StreamData(false, RESULT_STREAM, json(i)));
        }
    }

    // ---------------------------------------------------------------- streamed results

    @Test
    void aResultStreamGoesOnAfterTheResumeWithEveryItemOnceAndInOrder() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        RpcRequest call = openResultStream(results, 8);
        RecordingSubscriber<Integer> notOpened = new RecordingSubscriber<>();
        node.client.callStream("ticks.count", null, Integer.class, CallOptions.noTimeout()).subscribe(notOpened);
        node.next(RpcRequest.class);
        results.request(3);
        sendItems(0, 6);
        assertThat(results.items).containsExactly(0, 1, 2);
        node.noMoreOutbound(); // 3 consumed, below half of 8

        breakConnection();
        assertThat(results.done).as("a stream that is open is kept").isNotDone();
        assertThat(errorOf(notOpened).code())
                .as("a call whose STREAM_OPEN never came has no stream to resume")
                .isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        // The application goes on with the items it holds; the credit it frees waits for the resume.
        results.request(2);
        assertThat(results.items).containsExactly(0, 1, 2, 3, 4);

        Connect reconnect = resumeSession();
        assertThat(reconnect.resumeToken()).isEqualTo("token-1");
        StreamResume resume = node.next(StreamResume.class);
        assertThat(resume).as("6 items received, 1 held unconsumed of 8")
                .isEqualTo(StreamResume.receiver(RESULT_STREAM, 6, 7, false));
        node.noMoreOutbound();

        sendItems(6, 9); // the node goes on from item 6, with 7 credit
        results.request(10);
        assertThat(results.items).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(node.next(StreamCredit.class)).as("half of 8 consumed since the resume")
                .isEqualTo(new StreamCredit(RESULT_STREAM, 4));
        node.noMoreOutbound();

        node.send(new StreamData(false, RESULT_STREAM, json(9)), new StreamEnd(RESULT_STREAM));
        assertThat(results.items).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        node.noMoreOutbound();
        assertThat(results.done).isNotDone();

        node.send(new RpcResponse(call.callId(), json(null)));
        assertThat(node.next(StreamCredit.class)).as("the final return, once the answer is there")
                .isEqualTo(new StreamCredit(RESULT_STREAM, 1));
        results.done.get(10, TimeUnit.SECONDS);
        assertThat(results.items).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        node.noMoreOutbound();
    }

    @Test
    void aResultStreamThatHadEndedResumesWithEndedAndTakesTheAnswerTheNodeSendsAgain() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        RpcRequest call = openResultStream(results, 4);
        sendItems(0, 2);
        node.send(new StreamEnd(RESULT_STREAM));
        results.request(1);

        breakConnection();
        resumeSession();
        assertThat(node.next(StreamResume.class)).isEqualTo(StreamResume.receiver(RESULT_STREAM, 2, 3, true));
        node.noMoreOutbound();

        node.send(new RpcResponse(call.callId(), json(null)));
        assertThat(results.done).as("one item still to consume").isNotDone();
        results.request(1);
        assertThat(node.next(StreamCredit.class)).as("the final return, after the answer: the one item since the resume")
                .isEqualTo(new StreamCredit(RESULT_STREAM, 1));
        results.done.get(10, TimeUnit.SECONDS);
        assertThat(results.items).containsExactly(0, 1);
        node.noMoreOutbound();
    }

    @Test
    void theReturnThatTheLastItemMakesDueIsTheFinalReturnAndWaitsForTheAnswer() throws Exception {
        node.open(PlayedNode.ALL, 1 << 20);
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        RpcRequest call = openResultStream(results, 2); // every item consumed is half of it
        node.send(new StreamData(false, RESULT_STREAM, json(0)));
        results.request(5);
        assertThat(node.next(StreamCredit.class)).isEqualTo(new StreamCredit(RESULT_STREAM, 1));
        node.send(new StreamData(true, RESULT_STREAM, json(1)));
        assertThat(results.items).containsExactly(0, 1);
        node.noMoreOutbound(); // rule 5 of 6.4.3: the node may drop its answer once this comes

        node.send(new RpcResponse(call.callId(), json(null)));
        assertThat(node.next(StreamCredit.class)).isEqualTo(new StreamCredit(RESULT_STREAM, 1));
        assertThat(results.log).containsExactly("item", "item", "complete");
        node.noMoreOutbound();
    }

    // ---------------------------------------------------------------- streamed parameters

    @Test
    void aStreamedParameterResumesWithItsIdAloneAndSendsAgainWhatTheNodeDidNotGetWithinItsCredit()
            throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(10));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.noTimeout());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(PARAM_STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 4,
                ""));
        for (int i = 0; i < 4; i++) {
            assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line " + i + "\"");
        }
        node.send(new StreamCredit(PARAM_STREAM, 2)); // pays for lines 0 and 1
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 4\"");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 5\"");
        node.noMoreOutbound();

        breakConnection();
        assertThat(stored).isNotDone();
        resumeSession();
        assertThat(node.next(StreamResume.class)).as("the client only sends on this stream")
                .isEqualTo(StreamResume.senderOnly(PARAM_STREAM));
        node.noMoreOutbound(); // nothing until the node says where it stands

        // The node got lines 0..3 (4 and 5 were lost), consumed and returned 0 and 1, consumed 2, holds 3.
        node.send(StreamResume.receiver(PARAM_STREAM, 4, 3, false));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 4\"");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 5\"");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 6\"");
        node.noMoreOutbound();
        assertThat(lines.requested).as("the items sent again come from the copies, not the publisher")
                .isEqualTo(7);

        // The first 1 of returned credit pays for line 3, which the node held at the resume.
        node.send(new StreamCredit(PARAM_STREAM, 4));
        for (int i = 7; i < 10; i++) {
            assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line " + i + "\"");
        }
        assertThat(node.next(StreamEnd.class).streamId()).isEqualTo(PARAM_STREAM);
        node.noMoreOutbound();

        node.send(new RpcResponse(call.callId(), json(10)));
        assertThat(stored.get(10, TimeUnit.SECONDS)).isEqualTo(10L);
        assertThat(lines.subscriptions).isEqualTo(1);
        node.noMoreOutbound();
    }

    @Test
    void itemsThePublisherGivesWhileDisconnectedWaitWithinTheCreditAndFollowThoseSentAgain() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        SubmissionPublisher<String> lines = new SubmissionPublisher<>(Runnable::run, 16);
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.noTimeout());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(PARAM_STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 4,
                ""));
        lines.submit("line 0");
        lines.submit("line 1");
        node.next(StreamData.class);
        node.next(StreamData.class);

        breakConnection();
        for (int i = 2; i < 5; i++) {
            lines.submit("line " + i);
        }
        assertThat(lines.estimateMaximumLag()).as("the client took only what the credit left covers").isEqualTo(1);
        resumeSession();
        assertThat(node.next(StreamResume.class)).isEqualTo(StreamResume.senderOnly(PARAM_STREAM));
        node.noMoreOutbound();

        node.send(StreamResume.receiver(PARAM_STREAM, 1, 3, false)); // line 1 was lost; line 0 is held
        for (int i = 1; i < 4; i++) {
            assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line " + i + "\"");
        }
        node.noMoreOutbound();
        node.send(new StreamCredit(PARAM_STREAM, 2));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 4\"");
        lines.close();
        assertThat(node.next(StreamEnd.class).streamId()).isEqualTo(PARAM_STREAM);
        node.send(new RpcResponse(call.callId(), json(5)));
        assertThat(stored.get(10, TimeUnit.SECONDS)).isEqualTo(5L);
        node.noMoreOutbound();
    }

    @Test
    void anEndTheNodeDidNotGetIsSentAgainAfterTheItems() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(2));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.noTimeout());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(PARAM_STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 4,
                ""));
        node.next(StreamData.class);
        node.next(StreamData.class);
        node.next(StreamEnd.class);

        breakConnection();
        resumeSession();
        assertThat(node.next(StreamResume.class)).isEqualTo(StreamResume.senderOnly(PARAM_STREAM));
        node.send(StreamResume.receiver(PARAM_STREAM, 1, 3, false));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 1\"");
        assertThat(node.next(StreamEnd.class).streamId()).isEqualTo(PARAM_STREAM);
        node.noMoreOutbound();

        node.send(new RpcResponse(call.callId(), json(2)));
        assertThat(stored.get(10, TimeUnit.SECONDS)).isEqualTo(2L);
    }

    @Test
    void copiesGoOnceTheNodePaysForThemSoAResumeBeforeThemIsAProtocolError() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(10));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.noTimeout());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(PARAM_STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 2,
                ""));
        for (int i = 0; i < 8; i++) {
            assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line " + i + "\"");
            if (i % 2 == 1 && i < 7) {
                node.send(new StreamCredit(PARAM_STREAM, 2));
            }
        }
        node.noMoreOutbound();

        breakConnection();
        resumeSession();
        node.next(StreamResume.class);
        // Lines 0..5 were paid for, so their copies are gone: the client keeps only the window.
        node.send(StreamResume.receiver(PARAM_STREAM, 5, 2, false));
        StreamError refused = node.next(StreamError.class);
        assertThat(refused.streamId()).isEqualTo(PARAM_STREAM);
        assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        assertThat(refused.message()).contains("claims 5 items").contains("6 were paid back");
        assertThat(failure(stored).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(lines.cancelled).isTrue();
        node.send(new RpcError(call.callId(), ErrorCode.PROTOCOL_ERROR.code(), "stream failed", ""));
        node.noMoreOutbound();
    }

    @Test
    void aBidirectionalStreamResumesBothDirections() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(3));
        RecordingSubscriber<String> echoes = new RecordingSubscriber<>();
        node.client.callStream("chat.echo", new Object[] {lines}, String.class,
                CallOptions.noTimeout().withStreamHighWaterMark(4)).subscribe(echoes);
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(BOTH_STREAM, call.callId(), StreamDirection.BIDIRECTIONAL, CreditMode.ITEMS, 2, ""));
        assertThat(node.next(StreamCredit.class)).isEqualTo(new StreamCredit(BOTH_STREAM, 4));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 0\"");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 1\"");
        node.send(new StreamData(false, BOTH_STREAM, json("\"echo 0\"")));
        node.noMoreOutbound();

        breakConnection();
        resumeSession();
        assertThat(node.next(StreamResume.class)).as("the client receives too: one item held of 4")
                .isEqualTo(StreamResume.receiver(BOTH_STREAM, 1, 3, false));
        node.noMoreOutbound();
        node.send(StreamResume.receiver(BOTH_STREAM, 1, 1, false)); // line 1 was lost, line 0 is held
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 1\"");
        node.noMoreOutbound();

        node.send(new StreamData(false, BOTH_STREAM, json("\"echo 1\"")), new StreamCredit(BOTH_STREAM, 2));
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 2\"");
        assertThat(node.next(StreamEnd.class).streamId()).isEqualTo(BOTH_STREAM);
        echoes.request(5);
        assertThat(echoes.items).containsExactly("echo 0", "echo 1");
        assertThat(node.next(StreamCredit.class)).as("half of 4 consumed since the resume")
                .isEqualTo(new StreamCredit(BOTH_STREAM, 2));
        node.send(new StreamEnd(BOTH_STREAM), new RpcResponse(call.callId(), json(null)));
        echoes.done.get(10, TimeUnit.SECONDS);
        node.noMoreOutbound();
    }

    @Test
    void aPublisherThatFailsWhileDisconnectedFailsTheCallAtOnceAndTheNodeIsToldByACancelAfterTheResume()
            throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        SubmissionPublisher<String> lines = new SubmissionPublisher<>(Runnable::run, 16);
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.noTimeout());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(PARAM_STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 4,
                ""));
        lines.submit("line 0");
        assertThat(text(node.next(StreamData.class).item())).isEqualTo("\"line 0\"");

        breakConnection();
        lines.closeExceptionally(new IllegalStateException("the disk is gone"));
        RpcCallException failure = failure(stored);
        assertThat(failure.code()).isEqualTo(ErrorCode.STREAM_FAILED);
        assertThat(failure.getMessage()).contains("the disk is gone");

        resumeSession();
        assertThat(node.next(StreamResume.class)).isEqualTo(StreamResume.senderOnly(PARAM_STREAM));
        assertThat(node.next(RpcCancel.class).callId()).isEqualTo(call.callId());
        node.noMoreOutbound();
        node.send(new RpcError(call.callId(), ErrorCode.CANCELLED.code(), "cancelled", ""));
        node.noMoreOutbound();
    }

    @Test
    void aDeadlineThatPassesWhileDisconnectedFailsTheCallAndTheNodeIsToldAfterTheResume() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        node.client.callStream("ticks.count", null, Integer.class,
                CallOptions.timeout(Duration.ofSeconds(2)).withStreamHighWaterMark(8)).subscribe(results);
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(RESULT_STREAM, call.callId(), StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                ""));
        node.next(StreamCredit.class);

        breakConnection();
        assertThat(errorOf(results).code()).as("the deadline keeps running while the client is away")
                .isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        node.awaitCallbacksHere();
        resumeSession();
        assertThat(node.next(StreamResume.class)).isEqualTo(StreamResume.receiver(RESULT_STREAM, 0, 8, false));
        assertThat(node.next(StreamCancel.class).streamId()).isEqualTo(RESULT_STREAM);
        assertThat(node.next(RpcCancel.class).callId()).isEqualTo(call.callId());
        node.noMoreOutbound();

        List<Frame> unclaimed = new CopyOnWriteArrayList<>();
        node.client.onFrame(unclaimed::add);
        node.send(new RpcError(call.callId(), ErrorCode.DEADLINE_EXCEEDED.code(), "deadline", ""));
        assertThat(unclaimed).as("the node's answer is taken, and dropped, by the call").isEmpty();
        assertThat(results.log).containsExactly("error");
        node.noMoreOutbound();
    }

    // ---------------------------------------------------------------- cut at random

    /**
     * A long result stream cut at random moments, with frames in flight both ways lost each time,
     * against a node side that keeps its copies and credit with protocol.api's accounting as a
     * node does. The subscriber requests at random; it must get every item once, in order, and the
     * client must never send the node more credit than its window (SenderCredit refuses that).
     */
    @RepeatedTest(10)
    void aResultStreamCutAtRandomGivesEveryItemOnceAndInOrder(RepetitionInfo repetition) throws Exception {
        Random random = new Random(7919L * repetition.getCurrentRepetition());
        int items = 150;
        int highWaterMark = 2 + random.nextInt(7);
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        RpcRequest call = openResultStream(results, highWaterMark);
        SenderCredit credit = new SenderCredit();
        credit.grant(highWaterMark);
        ResendBuffer<Integer> copies = new ResendBuffer<>();
        ArrayDeque<Integer> again = new ArrayDeque<>();
        List<Frame> inFlight = new ArrayList<>(); // sent by the node, not arrived yet
        int produced = 0;
        boolean endSent = false;
        boolean answerSent = false;
        boolean answerArrived = false;
        boolean cutAfterAnswer = false;
        int cuts = 0;
        for (int step = 0; !results.done.isDone(); step++) {
            assertThat(step).as("the stream is still not over").isLessThan(100_000);
            int action = random.nextInt(100);
            if (action < 35) {
                for (int n = random.nextInt(4); n >= 0; n--) {
                    Integer item = !again.isEmpty() ? again.peek() : produced < items ? Integer.valueOf(produced) : null;
                    if (item == null || credit.take(1) != SenderCredit.Verdict.SEND) {
                        break;
                    }
                    if (!again.isEmpty()) {
                        again.poll();
                    } else {
                        produced++;
                    }
                    copies.sent(item, 1);
                    inFlight.add(new StreamData(false, RESULT_STREAM, json(item)));
                }
                if (!endSent && again.isEmpty() && produced == items) {
                    endSent = true;
                    inFlight.add(new StreamEnd(RESULT_STREAM));
                }
                if (endSent && !answerSent) {
                    answerSent = true;
                    inFlight.add(new RpcResponse(call.callId(), json(null)));
                }
            } else if (action < 60) {
                answerArrived |= inFlight.stream().anyMatch(RpcResponse.class::isInstance);
                node.send(inFlight.toArray(Frame[]::new));
                inFlight.clear();
            } else if (action < 75) {
                results.request(1 + random.nextInt(3));
            } else if (action < 98) {
                takeReturnedCredit(credit, copies);
            } else if (cuts < 15) {
                cuts++;
                if (random.nextBoolean()) {
                    takeReturnedCredit(credit, copies); // else what the client returned is lost
                }
                inFlight.clear();
                cutConnection();
                resumeSession();
                if (answerArrived) {
                    // The call is over for the client: nothing to resume, it finishes with what it holds.
                    cutAfterAnswer = true;
                    node.noMoreOutbound();
                    continue;
                }
                StreamResume resume = node.next(StreamResume.class);
                assertThat(resume.receiving()).isTrue();
                List<Integer> notReceived = copies.resume(ResumePoint.of(resume), highWaterMark);
                for (int i = notReceived.size() - 1; i >= 0; i--) {
                    again.addFirst(notReceived.get(i));
                }
                credit.resume(resume.credit());
                if (endSent && !resume.ended()) {
                    endSent = false;
                }
                answerSent = false; // a callee sends its answer again after the replay
            }
        }
        results.done.get(10, TimeUnit.SECONDS);
        assertThat(results.items).as("every item once, in order, through " + cuts + " cuts")
                .isEqualTo(IntStream.range(0, items).boxed().toList());
        takeReturnedCredit(credit, copies);
        if (!cutAfterAnswer) {
            assertThat(credit.allPaidBack()).as("the final return brought the node's credit back to "
                    + highWaterMark).isTrue();
            assertThat(copies.keptItems()).isZero();
        }
    }

    /**
     * A long streamed parameter cut at random moments, with frames in flight both ways lost each
     * time, against a node side that counts its credit with protocol.api's ReceiverCredit as a node
     * does: the node must get every item once and in order, never beyond its credit (ReceiverCredit
     * refuses that), and the publisher must be subscribed once.
     */
    @RepeatedTest(10)
    void aStreamedParameterCutAtRandomGivesTheNodeEveryItemOnceAndInOrder(RepetitionInfo repetition)
            throws Exception {
        Random random = new Random(104_729L * repetition.getCurrentRepetition());
        int items = 150;
        int highWaterMark = 2 + random.nextInt(7);
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        WatchedPublisher<Integer> numbers = new WatchedPublisher<>(IntStream.range(0, items).boxed().toList());
        CompletableFuture<Long> counted = node.client.callWithStream("sum.count", new Object[] {numbers}, Long.class,
                CallOptions.noTimeout());
        RpcRequest call = node.next(RpcRequest.class);
        node.send(new StreamOpen(PARAM_STREAM, call.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS,
                highWaterMark, ""));
        ReceiverCredit credit = new ReceiverCredit(highWaterMark);
        ArrayDeque<Integer> held = new ArrayDeque<>();
        List<Integer> consumed = new ArrayList<>();
        List<Frame> inFlight = new ArrayList<>(); // sent by the node, not arrived yet
        boolean ended = false;
        boolean answerSent = false;
        boolean answerArrived = false;
        int cuts = 0;
        for (int step = 0; !counted.isDone(); step++) {
            assertThat(step).as("the stream is still not over").isLessThan(100_000);
            int action = random.nextInt(100);
            if (action < 35) {
                ended |= takeItems(random.nextInt(5), credit, held);
            } else if (action < 55) {
                for (int n = random.nextInt(3); n >= 0 && !held.isEmpty(); n--) {
                    consumed.add(held.poll());
                    int returned = credit.consumed(1);
                    if (returned > 0) {
                        inFlight.add(new StreamCredit(PARAM_STREAM, returned));
                    }
                }
                if (ended && held.isEmpty() && !answerSent) {
                    answerSent = true;
                    int finalReturn = credit.finalReturn();
                    if (finalReturn > 0) {
                        inFlight.add(new StreamCredit(PARAM_STREAM, finalReturn));
                    }
                    inFlight.add(new RpcResponse(call.callId(), json(consumed.size())));
                }
            } else if (action < 98) {
                answerArrived |= inFlight.stream().anyMatch(RpcResponse.class::isInstance);
                node.send(inFlight.toArray(Frame[]::new));
                inFlight.clear();
            } else if (cuts < 15) {
                cuts++;
                ended |= takeItems(random.nextInt(5), credit, held); // the rest is lost
                inFlight.clear();
                cutConnection();
                resumeSession();
                if (answerArrived) {
                    node.noMoreOutbound();
                    continue;
                }
                assertThat(node.next(StreamResume.class)).isEqualTo(StreamResume.senderOnly(PARAM_STREAM));
                node.send(credit.resumePoint().toFrame(PARAM_STREAM));
                if (answerSent) {
                    // The node had answered; it sends the answer again after the replay.
                    inFlight.add(new RpcResponse(call.callId(), json(consumed.size())));
                }
            }
        }
        assertThat(counted.get(10, TimeUnit.SECONDS)).isEqualTo((long) items);
        assertThat(consumed).as("every item once, in order, through " + cuts + " cuts")
                .isEqualTo(IntStream.range(0, items).boxed().toList());
        assertThat(numbers.subscriptions).isEqualTo(1);
    }

    /**
     * The node reads up to {@code max} frames the client wrote: items counted against its credit,
     * held for consuming; returns whether STREAM_END was among them.
     */
    private boolean takeItems(int max, ReceiverCredit credit, ArrayDeque<Integer> held) {
        boolean ended = false;
        for (int n = 0; n < max; n++) {
            Frame frame = node.poll();
            if (frame == null) {
                break;
            }
            if (frame instanceof StreamEnd) {
                credit.endReceived();
                ended = true;
                continue;
            }
            assertThat(frame).as("the client only sends items and their end").isInstanceOf(StreamData.class);
            credit.received(1);
            held.add(Integer.valueOf(text(((StreamData) frame).item())));
        }
        return ended;
    }

    /** Applies the STREAM_CREDITs the client wrote as the node would; anything else fails the test. */
    private void takeReturnedCredit(SenderCredit credit, ResendBuffer<Integer> copies) {
        for (Frame frame = node.poll(); frame != null; frame = node.poll()) {
            assertThat(frame).as("the client only returns credit").isInstanceOf(StreamCredit.class);
            int returned = ((StreamCredit) frame).credit();
            credit.grant(returned);
            copies.paidBack(returned);
        }
    }

    // ---------------------------------------------------------------- what ends a kept stream

    @Test
    void aStreamTheNodeDidNotKeepEndsItsCallWithConnectionInterrupted() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        RpcRequest call = openResultStream(results, 8);
        sendItems(0, 2);
        results.request(5);

        breakConnection();
        resumeSession();
        node.next(StreamResume.class);
        node.send(new StreamError(RESULT_STREAM, ErrorCode.STREAM_NOT_FOUND.code(), "no stream 2"));
        RpcCallException failure = errorOf(results);
        assertThat(failure.code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(failure.getMessage()).contains("ticks.count").contains("did not keep");
        assertThat(results.items).as("the items that came before the break").containsExactly(0, 1);

        // The call is gone: frames for its stream are dropped, and nothing is answered.
        node.send(new StreamData(false, RESULT_STREAM, json(2)), new RpcError(call.callId(),
                ErrorCode.CONNECTION_INTERRUPTED.code(), "gone", ""));
        assertThat(results.items).containsExactly(0, 1);
        node.noMoreOutbound();
    }

    @Test
    void aNewSessionInsteadOfTheResumedOneEndsTheKeptCallsLocally() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        openResultStream(results, 8);
        WatchedPublisher<String> lines = new WatchedPublisher<>(lines(10));
        CompletableFuture<Long> stored = node.client.callWithStream("files.store", new Object[] {lines}, Long.class,
                CallOptions.noTimeout());
        RpcRequest paramCall = node.next(RpcRequest.class);
        node.send(new StreamOpen(PARAM_STREAM, paramCall.callId(), StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS,
                1, ""));
        node.next(StreamData.class);

        breakConnection();
        node.acceptByLogin(PlayedNode.ALL, 1 << 20, "token-2");
        assertThat(nextEvent("reconnected")).isEqualTo("reconnected resumed=false");
        assertThat(errorOf(results).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(failure(stored).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(lines.cancelled).isTrue();
        node.noMoreOutbound(); // nothing of the old streams on the new session
    }

    @Test
    void aSessionResumedWithoutStreamsEndsTheKeptCallsLocally() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        openResultStream(results, 8);

        breakConnection();
        node.accept(PlayedNode.NO_STREAMS, 1 << 20); // streaming was uninstalled meanwhile
        assertThat(nextEvent("reconnected")).isEqualTo("reconnected resumed=true");
        RpcCallException failure = errorOf(results);
        assertThat(failure.code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(failure.getMessage()).contains("without streams");
        node.noMoreOutbound(); // no STREAM_RESUME, which the node would refuse
    }

    @Test
    void aNodeThatDoesNotKnowStreamResumeEndsTheKeptCallsAsIfTheSessionWereNew() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        openResultStream(results, 8);

        breakConnection();
        resumeSession();
        node.next(StreamResume.class);
        node.send(ErrorFrame.of(0, ErrorCode.UNKNOWN_FRAME_TYPE, "unknown frame type 0x56"));
        RpcCallException failure = errorOf(results);
        assertThat(failure.code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
        assertThat(failure.getMessage()).contains("does not resume streams");
        node.noMoreOutbound();
    }

    @Test
    void whenTheClientGivesUpReconnectingTheKeptCallsFailWithConnectionInterrupted() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        openResultStream(results, 8);

        breakConnection();
        for (int i = 0; i < ATTEMPTS; i++) {
            EmbeddedChannel attempt = node.connections.poll(10, TimeUnit.SECONDS);
            assertThat(attempt).as("reconnect attempt " + (i + 1)).isNotNull();
            attempt.close();
            attempt.finishAndReleaseAll();
        }
        nextEvent("reconnect failed");
        assertThat(errorOf(results).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
    }

    @Test
    void closingTheClientWhileItReconnectsFailsTheKeptCalls() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        openResultStream(results, 8);

        breakConnection();
        EmbeddedChannel attempt = node.connections.poll(10, TimeUnit.SECONDS);
        assertThat(attempt).as("a reconnect attempt").isNotNull();
        CompletableFuture<Void> closed = node.client.close();
        attempt.runPendingTasks(); // the attempt closes on its own event loop
        closed.get(10, TimeUnit.SECONDS);
        attempt.finishAndReleaseAll();
        assertThat(errorOf(results).code()).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED);
    }

    @Test
    void aCancelWhileDisconnectedGoesOutAfterTheStreamResumeAndTheNodesAnswerIsDropped() throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        RecordingSubscriber<Integer> results = new RecordingSubscriber<>();
        RpcRequest call = openResultStream(results, 8);
        sendItems(0, 2);

        breakConnection();
        results.subscription.cancel();
        resumeSession();
        assertThat(node.next(StreamResume.class)).isEqualTo(StreamResume.receiver(RESULT_STREAM, 2, 6, false));
        assertThat(node.next(StreamCancel.class).streamId()).isEqualTo(RESULT_STREAM);
        assertThat(node.next(RpcCancel.class).callId()).isEqualTo(call.callId());
        node.noMoreOutbound();

        node.send(new StreamData(false, RESULT_STREAM, json(2)),
                new RpcError(call.callId(), ErrorCode.CANCELLED.code(), "cancelled", ""));
        assertThat(results.log).as("a cancelled subscriber hears nothing more").isEmpty();
        node.noMoreOutbound();
    }

    // ---------------------------------------------------------------- streams this client serves

    /** The frames the client wrote since, acknowledging the SERVICE_PROVIDE among them as the node does. */
    private List<Frame> writtenAcknowledgingProvides() {
        List<Frame> written = new ArrayList<>();
        Frame frame;
        while ((frame = node.poll()) != null) {
            if (frame instanceof ServiceProvide provide) {
                node.send(new Ack(provide.requestId(), ""));
            } else {
                written.add(frame);
            }
        }
        return written;
    }

    /**
     * Logs in with a resume token and provides {@code feed}; the node calls its {@code ticks(6)}
     * with STREAMS and grants {@code grant}. Returns the id of the stream the client opened.
     */
    private long servedTicks(StreamProviderTest.FeedImpl feed, long callId, int grant) throws Exception {
        node.login(PlayedNode.ALL, 1 << 20, "token-1");
        node.client.provide(StreamProviderTest.Feed.class, feed);
        node.send(new Ack(node.next(ServiceProvide.class).requestId(), ""));
        node.send(new RpcRequest(true, callId, 0, "feed.ticks", json("[6]")));
        long stream = node.next(StreamOpen.class).streamId();
        node.send(new StreamCredit(stream, grant));
        return stream;
    }

    @Test
    void aStreamThisClientServesIsKeptAcrossTheBreakAndSendsAgainWhatTheNodeLacksThenTheAnswer() throws Exception {
        StreamProviderTest.FeedImpl feed = new StreamProviderTest.FeedImpl();
        long stream = servedTicks(feed, 100, 4);
        for (int i = 0; i < 4; i++) {
            assertThat(text(node.next(StreamData.class).item())).isEqualTo(String.valueOf(i));
        }
        node.noMoreOutbound();

        // The node got items 0 and 1 only; 2 and 3 are lost with the connection.
        breakConnection();
        resumeSession();
        assertThat(writtenAcknowledgingProvides()).as("the stream is named before anything else of it")
                .containsExactly(StreamResume.senderOnly(stream));

        node.send(StreamResume.receiver(stream, 2, 4, false));
        List<String> again = new ArrayList<>();
        StreamData data;
        do {
            data = node.next(StreamData.class);
            again.add(text(data.item()));
        } while (!data.last() && again.size() < 4);
        assertThat(again).as("the copies of 2 and 3, then 4 and 5 within the credit of 4")
                .containsExactly("2", "3", "4", "5");
        if (!data.last()) {
            node.next(StreamEnd.class);
        }
        assertThat(node.next(RpcResponse.class).callId()).isEqualTo(100);
        node.noMoreOutbound();
        assertThat(feed.published.get(0).requested).as("each item asked of the method once").isEqualTo(6);
    }

    /** Reads the six items of a served {@code ticks(6)} and its end, then the call's answer. */
    private void takeSixTicksAndTheAnswer(long callId) {
        StreamData data = null;
        for (int i = 0; i < 6; i++) {
            data = node.next(StreamData.class);
            assertThat(text(data.item())).isEqualTo(String.valueOf(i));
        }
        if (!data.last()) {
            node.next(StreamEnd.class);
        }
        assertThat(node.next(RpcResponse.class).callId()).isEqualTo(callId);
    }

    @Test
    void anAnswerTheBreakLostBeforeTheNodesFinalReturnIsSentAgainAfterTheResume() throws Exception {
        StreamProviderTest.FeedImpl feed = new StreamProviderTest.FeedImpl();
        long stream = servedTicks(feed, 102, 8);
        takeSixTicksAndTheAnswer(102);

        // The node got every item and the end, but the answer was lost with the connection, so
        // it held back its final return (docs/protocol.md 6.4.3, rule 5) and keeps the stream.
        breakConnection();
        resumeSession();
        assertThat(writtenAcknowledgingProvides()).as("the answered stream is kept until the final return")
                .containsExactly(StreamResume.senderOnly(stream));
        node.send(StreamResume.receiver(stream, 6, 8, true));
        assertThat(node.next(RpcResponse.class).callId()).as("the answer again").isEqualTo(102);
        node.noMoreOutbound();

        // The resume returned all the credit: the stream is over and a later break does not name it.
        breakConnection();
        resumeSession();
        assertThat(writtenAcknowledgingProvides()).noneMatch(frame -> frame instanceof StreamResume);
    }

    @Test
    void aServedResultStreamEndsWithTheNodesFinalReturnAfterTheAnswer() throws Exception {
        StreamProviderTest.FeedImpl feed = new StreamProviderTest.FeedImpl();
        long stream = servedTicks(feed, 103, 8);
        takeSixTicksAndTheAnswer(103);
        node.send(new StreamCredit(stream, 4));
        node.send(new StreamCredit(stream, 2));

        breakConnection();
        resumeSession();
        assertThat(writtenAcknowledgingProvides()).as("paid back in full after the answer: nothing is kept")
                .noneMatch(frame -> frame instanceof StreamResume || frame instanceof RpcResponse);
    }

    @Test
    void aStreamThisClientServesEndsWithItsCallWhenTheReconnectStartsANewSession() throws Exception {
        StreamProviderTest.FeedImpl feed = new StreamProviderTest.FeedImpl();
        servedTicks(feed, 101, 2);
        node.next(StreamData.class);
        node.next(StreamData.class);

        breakConnection();
        node.acceptByLogin(PlayedNode.ALL, 1 << 20, "token-2");
        nextEvent("reconnected");
        assertThat(writtenAcknowledgingProvides()).as("no STREAM_RESUME, no answer: the call is gone")
                .noneMatch(frame -> frame instanceof StreamResume || frame instanceof RpcResponse
                        || frame instanceof RpcError);
        assertThat(feed.published.get(0).cancelled).as("the method's publisher was cancelled").isTrue();
    }
}
