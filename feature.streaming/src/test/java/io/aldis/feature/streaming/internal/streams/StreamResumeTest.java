package io.aldis.feature.streaming.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.feature.streaming.internal.stats.StreamingView.StreamRow;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.node.SessionState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Streams kept across a session resume (docs/protocol.md 6.4.7), as the node's callee side runs them. */
class StreamResumeTest {
    private static final int WINDOW = 5_000;

    private final StreamRig rig = new StreamRig(StreamingSettings.defaults().withResumeWindowMillis(WINDOW));
    private final StreamRig.Told told = new StreamRig.Told();
    private final TestSession first = TestSession.withStreams().resumable("key-1");
    private final TestSession second = TestSession.withStreams().resumable("key-1");

    private static List<byte[]> items(int count) {
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(("\"item " + i + "\"").getBytes(StandardCharsets.UTF_8));
        }
        return items;
    }

    private static List<String> texts(List<StreamData> data) {
        return data.stream().map(d -> new String(d.item(), StandardCharsets.UTF_8)).toList();
    }

    private void breakConnection(TestSession session) {
        session.state = SessionState.CLOSED;
        rig.streams.sessionClosed(session);
        rig.settle(session);
    }

    @Test
    void aResultStreamGoesOnFromTheItemTheCallerLacksWithinTheCreditItGivesAndAnswersAgain() {
        NodeStream stream = (NodeStream) rig.open(first, 5, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                told);
        StreamRig.Source source = new StreamRig.Source(items(6));
        stream.send(source);
        stream.credit(4);
        rig.settle(first);
        assertThat(texts(first.sent(StreamData.class))).containsExactly("\"item 0\"", "\"item 1\"", "\"item 2\"",
                "\"item 3\"");

        // Items 2 and 3 are lost with the connection; the caller consumed 0 and 1.
        breakConnection(first);
        assertThat(rig.streams.keptStreams()).isOne();
        assertThat(rig.streams.view().streams()).singleElement().extracting(StreamRow::state)
                .isEqualTo("awaiting resume");
        assertThat(rig.streams.view().counters()).containsEntry("awaitingResume", 1L);
        assertThat(told.events).isEmpty();
        assertThat(source.cancelled).isFalse();

        rig.streams.resume(second, StreamResume.receiver(stream.streamId(), 2, 4, false));
        rig.settle(first, second);

        List<StreamData> again = second.sent(StreamData.class);
        assertThat(texts(again)).containsExactly("\"item 2\"", "\"item 3\"", "\"item 4\"", "\"item 5\"");
        assertThat(again.get(3).last()).isTrue();
        assertThat(told.events).containsExactly("ended");
        assertThat(rig.streams.keptStreams()).isZero();

        stream.answer(new RpcResponse(5, "null".getBytes(StandardCharsets.US_ASCII)));
        rig.settle(second);
        assertThat(second.sent.get(second.sent.size() - 1)).isInstanceOf(RpcResponse.class);
        assertThat(rig.streams.openStreams()).as("kept until the caller paid every item back").isOne();
        assertThat(rig.streams.view().streams()).singleElement().extracting(StreamRow::state).isEqualTo("draining");

        // Broken again before the final return: the answer goes again after the replay of nothing.
        TestSession third = TestSession.withStreams().resumable("key-1");
        breakConnection(second);
        rig.streams.resume(third, StreamResume.receiver(stream.streamId(), 6, 4, true));
        rig.settle(second, third);
        assertThat(third.sent(StreamData.class)).isEmpty();
        assertThat(third.sent(StreamEnd.class)).isEmpty();
        assertThat(third.sent).singleElement().isInstanceOf(RpcResponse.class);
        // Its resume returned every item's credit: nothing of the stream is needed any more.
        assertThat(rig.streams.openStreams()).isZero();
        assertThat(first.sent).noneMatch(f -> f instanceof RpcResponse);
    }

    @Test
    void aResultStreamWhoseCreditRanOutGoesOnWhenTheResumeGivesCreditBack() {
        NodeStream stream = (NodeStream) rig.open(first, 9, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                told);
        StreamRig.Source source = new StreamRig.Source(items(6));
        stream.send(source);
        stream.credit(2);
        rig.settle(first);
        assertThat(texts(first.sent(StreamData.class))).containsExactly("\"item 0\"", "\"item 1\"");

        // The caller consumed both, and its return of their credit was lost with the connection: the
        // node holds no item and has asked its service for none, so only the resume's credit can
        // set the stream going again.
        breakConnection(first);
        rig.streams.resume(second, StreamResume.receiver(stream.streamId(), 2, 2, false));
        rig.settle(first, second);

        assertThat(texts(second.sent(StreamData.class))).containsExactly("\"item 2\"", "\"item 3\"");
        assertThat(second.sent(StreamError.class)).isEmpty();
    }

    @Test
    void aBytesModeResultStreamAsksItsServiceAgainWithinTheCreditTheResumeGives() {
        NodeStream stream = (NodeStream) rig.open(first, 10, StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0,
                told);
        StreamRig.Source source = new StreamRig.Source(items(6));
        stream.send(source);
        stream.credit(16); // two items of 8 bytes
        rig.settle(first);
        assertThat(texts(first.sent(StreamData.class))).containsExactly("\"item 0\"", "\"item 1\"");
        assertThat(source.emitted).as("the credit is spent: nothing more is asked").isEqualTo(2);

        // Item 1 is lost with the connection; the caller consumed item 0 and gives its whole window.
        breakConnection(first);
        rig.streams.resume(second, StreamResume.receiver(stream.streamId(), 1, 16, false));
        rig.settle(first, second);

        // The resent copy of item 1 spends half the credit; the service is asked for one more.
        assertThat(texts(second.sent(StreamData.class))).containsExactly("\"item 1\"", "\"item 2\"");
        assertThat(source.emitted).isEqualTo(3);
        assertThat(second.sent(StreamError.class)).isEmpty();
    }

    @Test
    void aParameterStreamTellsTheCallerWhereTheNodeStandsAndTakesTheRestExactlyOnce() {
        NodeStream stream = (NodeStream) rig.open(first, 6, StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, 4,
                told);
        StreamRig.Sink sink = new StreamRig.Sink();
        stream.received().subscribe(sink);
        rig.settle(first);
        List<byte[]> items = items(5);
        for (int i = 0; i < 3; i++) {
            stream.data(new StreamData(false, stream.streamId(), items.get(i)));
        }
        sink.subscription.request(1);
        rig.settle(first);
        assertThat(sink.items).hasSize(1);

        breakConnection(first);
        rig.streams.resume(second, StreamResume.senderOnly(stream.streamId()));
        rig.settle(first, second);

        // Three received, two of them held: the caller goes on from item 3 with 4 - 2 credit.
        assertThat(second.sent(StreamResume.class)).containsExactly(
                StreamResume.receiver(stream.streamId(), 3, 2, false));
        stream.data(new StreamData(false, stream.streamId(), items.get(3)));
        stream.data(new StreamData(true, stream.streamId(), items.get(4)));
        sink.subscription.request(10);
        rig.settle(second);
        assertThat(sink.items).containsExactlyElementsOf(items);
        assertThat(sink.completed).isTrue();
        assertThat(second.sent(StreamError.class)).isEmpty();
    }

    @Test
    void framesOfTheResumedSessionWaitForTheResumeToTakeEffect() {
        NodeStream stream = (NodeStream) rig.open(first, 7, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                told);
        StreamRig.Source source = new StreamRig.Source(items(4));
        stream.send(source);
        stream.credit(2);
        rig.settle(first);
        breakConnection(first);

        rig.streams.resume(second, StreamResume.receiver(stream.streamId(), 2, 0, false));
        // The caller's credit right behind its STREAM_RESUME, before the node's loops ran.
        rig.streams.find(second, stream.streamId()).credit(2);
        rig.settle(first, second);

        assertThat(texts(second.sent(StreamData.class))).containsExactly("\"item 2\"", "\"item 3\"");
        assertThat(second.sent(StreamError.class)).isEmpty();
    }

    @Test
    void aStreamNotResumedWithinTheWindowEndsAndFailsItsCall() {
        NodeStream stream = (NodeStream) rig.open(first, 8, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                told);
        StreamRig.Source source = new StreamRig.Source(items(4));
        stream.send(source);
        stream.credit(2);
        rig.settle(first);
        breakConnection(first);

        first.channel.advanceTimeBy(WINDOW, TimeUnit.MILLISECONDS);
        first.channel.runScheduledPendingTasks();
        rig.settle(first);

        assertThat(told.events).containsExactly("failed");
        assertThat(told.code).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED.code());
        assertThat(source.cancelled).isTrue();
        assertThat(rig.streams.openStreams()).isZero();
        rig.streams.resume(second, StreamResume.receiver(stream.streamId(), 2, 2, false));
        rig.settle(second);
        assertThat(second.sent(StreamError.class)).singleElement()
                .extracting(StreamError::code).isEqualTo(ErrorCode.STREAM_NOT_FOUND.code());
    }

    @Test
    void anotherTokensSessionOrASessionThatCannotBeResumedKeepsNothing() {
        TestSession loggedOut = TestSession.withStreams();
        rig.open(loggedOut, 9, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, told);
        NodeStream kept = (NodeStream) rig.open(first, 10, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                new StreamRig.Told());
        rig.settle(loggedOut, first);

        breakConnection(loggedOut);
        assertThat(told.code).isEqualTo(ErrorCode.CONNECTION_INTERRUPTED.code());
        breakConnection(first);
        TestSession stranger = TestSession.withStreams().resumable("key-2");
        rig.streams.resume(stranger, StreamResume.receiver(kept.streamId(), 0, 4, false));
        rig.settle(stranger);
        assertThat(stranger.sent(StreamError.class)).singleElement()
                .extracting(StreamError::code).isEqualTo(ErrorCode.STREAM_NOT_FOUND.code());
        assertThat(rig.streams.keptStreams()).isOne();
    }

    @Test
    void copiesAreKeptWithinTheNodesBudgetAndGoAsTheCallerPaysThemBack() {
        // Items are 8 bytes ("item n" quoted): room for three copies.
        StreamRig small = new StreamRig(StreamingSettings.defaults().withResumeWindowMillis(WINDOW)
                .withMaxResendBytes(24));
        NodeStream withinBudget = (NodeStream) small.open(first, 12, StreamDirection.CALLEE_TO_CALLER,
                CreditMode.ITEMS, 0, new StreamRig.Told());
        withinBudget.send(new StreamRig.Source(items(3)));
        withinBudget.credit(4);
        small.settle(first);
        assertThat(small.streams.view().counters()).containsEntry("resendBytes", 24L);
        withinBudget.credit(2);
        small.settle(first);
        assertThat(small.streams.view().counters()).containsEntry("resendBytes", 8L);

        StreamRig.Told beyond = new StreamRig.Told();
        NodeStream overBudget = (NodeStream) small.open(first, 13, StreamDirection.CALLEE_TO_CALLER,
                CreditMode.ITEMS, 0, beyond);
        overBudget.send(new StreamRig.Source(items(6)));
        overBudget.credit(4);
        small.settle(first);
        first.state = SessionState.CLOSED;
        small.streams.sessionClosed(first);
        small.settle(first);

        assertThat(beyond.code).as("given up its copies, it ends with its connection")
                .isEqualTo(ErrorCode.CONNECTION_INTERRUPTED.code());
        assertThat(small.streams.keptStreams()).isOne();
        assertThat(small.streams.view().counters()).containsEntry("resendBytes", 8L);
    }

    @Test
    void streamingUninstalledEndsTheStreamsThatAwaitAResumeToo() {
        NodeStream stream = (NodeStream) rig.open(first, 15, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                told);
        StreamRig.Source source = new StreamRig.Source(items(4));
        stream.send(source);
        stream.credit(2);
        rig.settle(first);
        breakConnection(first);
        assertThat(rig.streams.keptStreams()).isOne();

        rig.streams.stopAll();
        rig.settle(first);

        assertThat(told.code).isEqualTo(ErrorCode.CAPABILITY_UNAVAILABLE.code());
        assertThat(source.cancelled).isTrue();
        assertThat(rig.streams.keptStreams()).isZero();
        assertThat(rig.streams.openStreams()).isZero();
        assertThat(rig.streams.view().counters()).containsEntry("resendBytes", 0L);
    }

    @Test
    void aCallerThatClaimsItemsNeverSentEndsTheStream() {
        NodeStream stream = (NodeStream) rig.open(first, 11, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                told);
        stream.send(new StreamRig.Source(items(4)));
        stream.credit(2);
        rig.settle(first);
        breakConnection(first);

        rig.streams.resume(second, StreamResume.receiver(stream.streamId(), 3, 2, false));
        rig.settle(first, second);

        List<Frame> sent = second.sent;
        assertThat(second.sent(StreamError.class)).singleElement()
                .extracting(StreamError::code).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        assertThat(told.code).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        assertThat(sent).noneMatch(f -> f instanceof StreamCredit);
    }
}
