package io.aldis.feature.rpc.internal.calls;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.rpc.internal.RecordingSession;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.RpcError;
import io.aldis.protocol.api.RpcResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallsTest {
    /** What a call's work is told. */
    static final class Work implements CallWork {
        final List<String> told = new CopyOnWriteArrayList<>();
        final CompletableFuture<Boolean> abandoned = new CompletableFuture<>();

        @Override
        public void ended(Call call) {
            told.add("ended");
        }

        @Override
        public void abandon(Call call, boolean tellPeer) {
            told.add("abandon tellPeer=" + tellPeer);
            abandoned.complete(tellPeer);
        }
    }

    /** A call made inside the node: its answer lands in a future. */
    static final class Answer implements CallReply {
        final CompletableFuture<String> result = new CompletableFuture<>();
        final CompletableFuture<int[]> code = new CompletableFuture<>();
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public void result(long callId, byte[] json) {
            result.complete(new String(json, StandardCharsets.UTF_8));
        }

        @Override
        public void error(long callId, int errorCode, String message, String details) {
            messages.add(message);
            code.complete(new int[] {errorCode});
        }

        int errorCode() throws Exception {
            return code.get(10, TimeUnit.SECONDS)[0];
        }
    }

    private int perSession = 256;
    private int defaultTimeout = 0;
    private final Calls calls = new Calls(() -> perSession, () -> defaultTimeout);
    private final RecordingSession alice = new RecordingSession("alice");

    @AfterEach
    void close() {
        calls.close();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCallIsFoundByItsSessionAndIdAndEndsOnceWithItsAnswer() throws Exception {
        Call call = calls.open(alice, 7, "a.b", json("[1]"), 0, false, 10, new SessionReply(alice));
        assertThat(call.session()).isSameAs(alice);
        assertThat(call.params()).isEqualTo(json("[1]"));
        assertThat(calls.find(alice.id(), 7)).isSameAs(call);
        Work work = new Work();
        assertThat(call.attach(work)).isTrue();

        assertThat(calls.complete(call, json("2"))).isTrue();
        assertThat(alice.next(RpcResponse.class).callId()).isEqualTo(7);
        assertThat(work.told).containsExactly("ended");
        assertThat(calls.find(alice.id(), 7)).as("its id is free again").isNull();
        assertThat(calls.fail(call, ErrorCode.SERVICE_ERROR.code(), "late", "")).isFalse();
        assertThat(calls.complete(call, json("3"))).isFalse();
        assertThat(alice.pending()).as("nothing after the first answer").isEmpty();
        assertThat(call.attach(new Work())).as("nothing attaches to an ended call").isFalse();
        assertThat(calls.stats()).singleElement().satisfies(s -> {
            assertThat(s.calls()).isEqualTo(1);
            assertThat(s.inFlight()).isZero();
        });
    }

    @Test
    void limitsPerSessionAndPerMethodAndDuplicateIdsAreAnsweredAtOnce() throws Exception {
        perSession = 2;
        assertThat(calls.open(alice, 1, "a.b", json("[]"), 0, false, 10, new SessionReply(alice))).isNotNull();
        assertThat(calls.open(alice, 1, "a.c", json("[]"), 0, false, 10, new SessionReply(alice))).isNull();
        RpcError duplicate = alice.next(RpcError.class);
        assertThat(duplicate.code()).isEqualTo(ErrorCode.UNEXPECTED_FRAME.code());
        assertThat(duplicate.message()).isEqualTo("call id 1 is already in flight");
        assertThat(calls.open(alice, 2, "a.b", json("[]"), 0, false, 10, new SessionReply(alice))).isNotNull();
        assertThat(calls.open(alice, 3, "a.b", json("[]"), 0, false, 10, new SessionReply(alice))).isNull();
        assertThat(alice.next(RpcError.class).message()).isEqualTo("too many calls in flight on this session (limit 2)");

        Answer first = new Answer();
        assertThat(calls.open(null, -1, "x.y", json("[]"), 0, false, 1, first)).isNotNull();
        Answer second = new Answer();
        assertThat(calls.open(null, -2, "x.y", json("[]"), 0, false, 1, second)).isNull();
        assertThat(second.errorCode()).isEqualTo(ErrorCode.BUSY.code());
        assertThat(second.messages).containsExactly("too many calls of x.y in flight (limit 1)");
    }

    @Test
    void aDeadlineFailsTheCallAndStopsItsWork() throws Exception {
        Answer answer = new Answer();
        Call call = calls.open(null, -1, "a.slow", json("[]"), 1, false, 10, answer);
        Work work = new Work();
        call.attach(work);
        assertThat(answer.errorCode()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
        assertThat(answer.messages).containsExactly("deadline of 1 ms exceeded");
        assertThat(work.abandoned.get(10, TimeUnit.SECONDS)).as("the peer doing the work is told").isTrue();
        assertThat(call.isAbandoned()).isTrue();
    }

    @Test
    void theDefaultDeadlineAppliesToCallsWithoutOne() throws Exception {
        defaultTimeout = 5;
        Answer answer = new Answer();
        Call call = calls.open(null, -1, "a.slow", json("[]"), 0, false, 10, answer);
        assertThat(call.timeoutMillis()).isEqualTo(5);
        assertThat(answer.errorCode()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
    }

    @Test
    void abortAnswersTheCallerAndStopsTheWork() throws Exception {
        Call call = calls.open(alice, 4, "a.b", json("[]"), 0, false, 10, new SessionReply(alice));
        Work work = new Work();
        call.attach(work);
        assertThat(calls.abort(call, ErrorCode.PROVIDER_GONE.code(), "gone", false)).isTrue();
        assertThat(alice.next(RpcError.class).code()).isEqualTo(ErrorCode.PROVIDER_GONE.code());
        assertThat(work.told).containsExactly("ended", "abandon tellPeer=false");
        assertThat(calls.abort(call, ErrorCode.CANCELLED.code(), "again", true)).isFalse();
        assertThat(work.told).hasSize(2);
    }

    @Test
    void aClosingSessionWaitsForTheAnswersOfItsCalls() throws Exception {
        Call call = calls.open(alice, 5, "a.b", json("[]"), 0, false, 10, new SessionReply(alice));
        CompletionStage<?> closing = calls.closing(alice.id());
        assertThat(closing.toCompletableFuture()).isNotDone();
        calls.complete(call, json("true"));
        assertThat(closing.toCompletableFuture()).isDone();
        assertThat(calls.closing(new RecordingSession("bob").id()).toCompletableFuture()).isDone();
    }

    @Test
    void aClosedSessionsCallsEndUnansweredAndTheirWorkStops() throws Exception {
        Call call = calls.open(alice, 6, "a.b", json("[]"), 0, false, 10, new SessionReply(alice));
        Work work = new Work();
        call.attach(work);
        calls.sessionClosed(alice);
        assertThat(call.isDone()).isTrue();
        assertThat(work.told).containsExactly("ended", "abandon tellPeer=true");
        assertThat(alice.pending()).isEmpty();
        assertThat(calls.find(alice.id(), 6)).isNull();
    }

    @Test
    void aCallAnsweredOnItsStreamWaitsForTheResumedSessionWhichAdoptsIt() throws Exception {
        alice.resumeKey("k1");
        Answer onStream = new Answer();
        Call streamed = calls.open(alice, 6, "a.b", json("[]"), 0, true, 10, new SessionReply(alice));
        streamed.replyThrough(onStream);
        Call plain = calls.open(alice, 7, "a.b", json("[]"), 0, false, 10, new SessionReply(alice));
        Work work = new Work();
        streamed.attach(work);

        calls.sessionClosed(alice);

        assertThat(plain.isDone()).isTrue();
        assertThat(streamed.isDone()).isFalse();
        assertThat(work.told).isEmpty();
        RecordingSession resumed = new RecordingSession("alice").resumeKey("k1");
        RecordingSession stranger = new RecordingSession("alice").resumeKey("k2");
        calls.sessionOpened(stranger);
        assertThat(calls.find(stranger.id(), 6)).isNull();
        calls.sessionOpened(resumed);
        assertThat(calls.find(resumed.id(), 6)).isSameAs(streamed);

        calls.complete(streamed, json("null"));
        assertThat(onStream.result.get(10, TimeUnit.SECONDS)).isEqualTo("null");
        assertThat(calls.find(resumed.id(), 6)).isNull();
        assertThat(resumed.pending()).isEmpty();
    }

    @Test
    void aKeptCallIsFoundForItsResumedSessionBeforeThatSessionWasAnnounced() throws Exception {
        alice.resumeKey("k1");
        Call streamed = calls.open(alice, 6, "a.b", json("[]"), 0, true, 10, new SessionReply(alice));
        streamed.replyThrough(new Answer());
        calls.sessionClosed(alice);
        RecordingSession resumed = new RecordingSession("alice").resumeKey("k1");

        assertThat(calls.find(resumed.id(), 6)).as("not adopted yet").isNull();
        assertThat(calls.find(resumed, 6)).as("an RPC_CANCEL of the resumed session finds it").isSameAs(streamed);
        assertThat(calls.find(new RecordingSession("alice").resumeKey("k2"), 6)).isNull();
    }

    @Test
    void withoutAResumeKeyEveryCallEndsWithItsSession() throws Exception {
        Call streamed = calls.open(alice, 6, "a.b", json("[]"), 0, true, 10, new SessionReply(alice));
        streamed.replyThrough(new Answer());
        Work work = new Work();
        streamed.attach(work);

        calls.sessionClosed(alice);

        assertThat(streamed.isDone()).isTrue();
        assertThat(work.told).containsExactly("ended", "abandon tellPeer=true");
    }

    @Test
    void aParkedCallThatEndsIsNotAdoptedAndTheDeadlineStillCoversIt() throws Exception {
        alice.resumeKey("k1");
        Answer onStream = new Answer();
        Call streamed = calls.open(alice, 6, "a.b", json("[]"), 50, true, 10, new SessionReply(alice));
        streamed.replyThrough(onStream);

        calls.sessionClosed(alice);

        assertThat(onStream.errorCode()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED.code());
        RecordingSession resumed = new RecordingSession("alice").resumeKey("k1");
        calls.sessionOpened(resumed);
        assertThat(calls.find(resumed.id(), 6)).isNull();
    }

    @Test
    void closingFailsEveryCallWithShuttingDownAndRefusesDeadlinesAfter() throws Exception {
        Answer local = new Answer();
        Call inside = calls.open(null, -1, "a.b", json("[]"), 0, false, 10, local);
        Call remote = calls.open(alice, 8, "a.b", json("[]"), 0, false, 10, new SessionReply(alice));
        Work work = new Work();
        remote.attach(work);
        calls.close();
        assertThat(local.errorCode()).isEqualTo(ErrorCode.SHUTTING_DOWN.code());
        assertThat(alice.next(RpcError.class).code()).isEqualTo(ErrorCode.SHUTTING_DOWN.code());
        assertThat(inside.isDone()).isTrue();
        assertThat(work.told).containsExactly("ended", "abandon tellPeer=true");

        Answer late = new Answer();
        assertThat(calls.open(null, -2, "a.b", json("[]"), 50, false, 10, late)).isNull();
        assertThat(late.errorCode()).isEqualTo(ErrorCode.SHUTTING_DOWN.code());
    }
}
