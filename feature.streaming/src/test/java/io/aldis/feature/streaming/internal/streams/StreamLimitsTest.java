package io.aldis.feature.streaming.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.feature.streaming.internal.frames.StreamFrames;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.Ping;
import io.aldis.protocol.api.ProtocolException;
import io.aldis.protocol.api.StreamCancel;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.StreamResume;
import io.aldis.protocol.api.spi.stream.StreamSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the node refuses, how it shares a connection, and the frames it answers without a stream. */
class StreamLimitsTest {
    private final TestSession session = TestSession.withStreams();
    private final StreamRig.Told told = new StreamRig.Told();

    private static List<byte[]> items(int count, int size) {
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(new byte[size]);
        }
        return items;
    }

    private static ErrorCode refusal(Runnable open) {
        try {
            open.run();
        } catch (ProtocolException e) {
            return e.code();
        }
        throw new AssertionError("the stream was opened");
    }

    @Test
    void streamsBeyondTheSessionsAndTheNodesLimitsAreRefusedWithStreamLimit() {
        StreamRig rig = new StreamRig(StreamingSettings.defaults().withMaxStreamsPerSession(2).withMaxStreams(3));
        TestSession other = TestSession.withStreams();
        rig.open(session, 1, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, told);
        rig.open(session, 2, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, told);
        assertThat(refusal(() -> rig.open(session, 3, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, told)))
                .isEqualTo(ErrorCode.STREAM_LIMIT);
        rig.open(other, 1, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, told);
        assertThat(refusal(() -> rig.open(other, 2, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, told)))
                .isEqualTo(ErrorCode.STREAM_LIMIT);
        assertThat(rig.streams.openStreams()).isEqualTo(3);
    }

    @Test
    void aHighWaterMarkAboveTheModesMaximumIsRefused() {
        StreamRig rig = new StreamRig();
        int items = StreamingSettings.defaults().maxHighWaterMarkItems();
        assertThat(refusal(() -> rig.open(session, 1, StreamDirection.CALLER_TO_CALLEE, CreditMode.ITEMS, items + 1,
                told))).isEqualTo(ErrorCode.STREAM_LIMIT);
        rig.open(session, 2, StreamDirection.CALLER_TO_CALLEE, CreditMode.BYTES, items + 1, told);
    }

    @Test
    void anUnknownSizeFunctionAndASessionWithoutStreamsAreRefused() {
        StreamRig rig = new StreamRig();
        assertThatThrownBy(() -> rig.streams.open(session, 1, new StreamSpec("m.s", StreamDirection.CALLEE_TO_CALLER,
                CreditMode.CUSTOM, "nobody-knows", 0), told)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("nobody-knows")
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.UNKNOWN_SIZE_FUNCTION));
        TestSession old = TestSession.withoutStreams();
        assertThat(rig.streams.streams(old)).isFalse();
        assertThat(refusal(() -> rig.open(old, 1, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, told)))
                .isEqualTo(ErrorCode.STREAMING_UNAVAILABLE);
        assertThat(rig.streams.openStreams()).isZero();
    }

    @Test
    void aSizeFunctionThatFailsOnAnItemFailsItsStreamAndNotTheSession() {
        StreamRig rig = new StreamRig();
        rig.sizeFunctions.put("picky", sizeFunction("picky", item -> {
            if (item.remaining() > 10) {
                throw new IllegalArgumentException("too long for picky");
            }
            return item.remaining();
        }));
        NodeStream stream = (NodeStream) rig.open(session, 1, StreamDirection.CALLEE_TO_CALLER, CreditMode.CUSTOM, 0,
                told);
        stream.send(new StreamRig.Source(List.of(new byte[5], new byte[50], new byte[5])));
        stream.credit(100);
        rig.settle(session);
        assertThat(session.sent(StreamData.class)).hasSize(1);
        assertThat(session.sent(StreamError.class)).singleElement().satisfies(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.STREAM_FAILED.code());
            assertThat(e.message()).contains("picky").contains("too long for picky");
        });
        assertThat(session.closedWith).isNull();
        assertThat(session.unflushed).isEmpty();
    }

    @Test
    void customModeNamesItsSizeFunctionInTheMetadata() {
        StreamRig rig = new StreamRig();
        rig.sizeFunctions.put("utf16-units", sizeFunction("utf16-units", java.nio.ByteBuffer::remaining));
        rig.open(session, 1, StreamDirection.CALLEE_TO_CALLER, CreditMode.CUSTOM, 0, told);
        assertThat(session.sent(StreamOpen.class).get(0).metadata()).isEqualTo("{\"sizeFunction\":\"utf16-units\"}");
    }

    @Test
    void aTurnWritesAtMostItsBytesRoundRobinSoOtherWorkOnTheLoopGetsBetweenTurns() {
        Outbound outbound = new Outbound(session, () -> 1000);
        List<String> written = new ArrayList<>();
        Outbound.Sender a = flatOut("a", 30, outbound, written);
        Outbound.Sender b = flatOut("b", 30, outbound, written);
        outbound.ready(a);
        outbound.ready(b);
        List<Integer> writtenWhenOtherWorkRan = new ArrayList<>();
        // Work another feature hands the loop meanwhile, such as an RPC answer or a PONG.
        session.channel.eventLoop().execute(() -> writtenWhenOtherWorkRan.add(written.size()));
        session.channel.runPendingTasks();
        assertThat(writtenWhenOtherWorkRan).containsExactly(10);
        assertThat(written.subList(0, 4)).containsExactly("a", "b", "a", "b");
        assertThat(written).hasSize(60);
    }

    @Test
    void turnsInARowGoOutInOneFlushUpToItsBoundAndTheTurnThatFindsNothingFlushesTheRest() {
        Outbound outbound = new Outbound(session, () -> BLOCK);
        List<String> written = new ArrayList<>();
        outbound.ready(flatOut("a", 20, BLOCK, outbound, written));
        session.channel.runPendingTasks();
        assertThat(written).hasSize(20);
        // One block a turn, and eight blocks reach the bound.
        assertThat(session.flushes).containsExactly(8, 8, 4);
        assertThat(session.unflushed).isEmpty();
    }

    @Test
    void workBetweenTurnsGoesOutBehindTheFramesWrittenBeforeItAndTakesThemAlong() {
        Outbound outbound = new Outbound(session, () -> BLOCK);
        List<String> written = new ArrayList<>();
        outbound.ready(flatOut("a", 3, BLOCK, outbound, written));
        session.channel.eventLoop().execute(() -> session.send(new Ping(7)));
        session.channel.runPendingTasks();
        assertThat(session.sent).hasSize(4);
        assertThat(session.sent.get(0)).isInstanceOf(StreamData.class);
        assertThat(session.sent.get(1)).isInstanceOf(Ping.class);
        assertThat(session.flushes.get(0)).as("the PING's flush takes the block written before it").isEqualTo(2);
        assertThat(session.unflushed).isEmpty();
    }

    @Test
    void aTurnThatFindsTheConnectionNotWritableFlushesWhatTheTurnsWroteAndWaits() {
        Outbound outbound = new Outbound(session, () -> BLOCK);
        List<String> written = new ArrayList<>();
        Outbound.Sender blocks = flatOut("a", 20, BLOCK, outbound, written);
        // The client pauses the node, or stops reading, after the third block.
        outbound.ready(() -> {
            int sent = blocks.sendOne();
            if (written.size() == 3) {
                session.full();
            }
            return sent;
        });
        session.channel.runPendingTasks();
        assertThat(written).hasSize(3);
        assertThat(session.flushes).containsExactly(3);
        assertThat(session.unflushed).isEmpty();
        session.drained();
        session.channel.runPendingTasks();
        assertThat(written).hasSize(20);
        assertThat(session.flushes).containsExactly(3, 8, 8, 1);
        assertThat(session.unflushed).isEmpty();
    }

    @Test
    void aSenderThatFailsStopsItselfAndTheOtherStreamsGoOn() {
        Outbound outbound = new Outbound(session, () -> 1000);
        List<String> written = new ArrayList<>();
        Outbound.Sender failing = new Outbound.Sender() {
            boolean sentOne;

            @Override
            public int sendOne() {
                if (sentOne) {
                    throw new IllegalStateException("a size function failed");
                }
                sentOne = true;
                written.add("f");
                outbound.send(new StreamData(false, 4, new byte[90]));
                return 100;
            }
        };
        outbound.ready(failing);
        outbound.ready(flatOut("b", 30, outbound, written));
        session.channel.runPendingTasks();
        assertThat(written).containsOnlyOnce("f");
        assertThat(written).filteredOn("b"::equals).hasSize(30);
        assertThat(session.sent(StreamData.class)).hasSize(31);
        assertThat(session.unflushed).isEmpty();
    }

    private static io.aldis.protocol.api.stream.SizeFunction sizeFunction(String name,
            java.util.function.ToLongFunction<java.nio.ByteBuffer> size) {
        return new io.aldis.protocol.api.stream.SizeFunction() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long sizeOf(java.nio.ByteBuffer item) {
                return size.applyAsLong(item);
            }
        };
    }

    /** A stream item of 64 KiB, as large as the default turn. */
    private static final int BLOCK = 64 * 1024;

    /** A stream with {@code count} items of 100 bytes, all sendable at once. */
    private static Outbound.Sender flatOut(String name, int count, Outbound outbound, List<String> written) {
        return flatOut(name, count, 90, outbound, written);
    }

    /** A stream with {@code count} items of {@code size} bytes, all sendable at once. */
    private static Outbound.Sender flatOut(String name, int count, int size, Outbound outbound,
            List<String> written) {
        return new Outbound.Sender() {
            int left = count;

            @Override
            public int sendOne() {
                if (left == 0) {
                    return 0;
                }
                left--;
                written.add(name);
                outbound.send(new StreamData(false, 2, new byte[size]));
                return size + 10;
            }
        };
    }

    @Test
    void nothingIsWrittenWhileTheConnectionIsNotWritable() {
        StreamRig rig = new StreamRig();
        NodeStream stream = (NodeStream) rig.open(session, 1, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                told);
        stream.send(new StreamRig.Source(items(5, 10)));
        session.writable = false;
        stream.credit(10);
        rig.settle(session);
        assertThat(session.sent(StreamData.class)).isEmpty();
        session.drained();
        rig.settle(session);
        assertThat(session.sent(StreamData.class)).hasSize(5);
        assertThat(told.events).containsExactly("ended");
    }

    @Test
    void framesForStreamsThatAreNotOpenAreDroppedAndOpenAndResumeAreAnswered() throws Exception {
        StreamRig rig = new StreamRig();
        StreamFrames frames = new StreamFrames(rig.streams);
        frames.handle(session, new StreamData(false, 4, new byte[1]));
        frames.handle(session, new StreamCredit(4, 3));
        frames.handle(session, new StreamEnd(4));
        frames.handle(session, new StreamCancel(4));
        frames.handle(session, new StreamError(4, -502, "x"));
        rig.settle(session);
        assertThat(session.sent).isEmpty();
        frames.handle(session, new StreamOpen(3, 77, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0, ""));
        frames.handle(session, StreamResume.receiver(9, 1, 2, false));
        assertThat(session.sent).hasSize(2);
        StreamError refused = (StreamError) session.sent.get(0);
        assertThat(refused.streamId()).isEqualTo(3);
        assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR.code());
        assertThat(session.sent.get(1)).isInstanceOf(StreamError.class);
        assertThat(((StreamError) session.sent.get(1)).code()).isEqualTo(ErrorCode.STREAM_NOT_FOUND.code());
        assertThat(((StreamError) session.sent.get(1)).streamId()).isEqualTo(9);
        assertThat(frames.nonBlocking()).isTrue();
    }

    @Test
    void aClientThatCancelsStreamsInALoopIsHeldAndThenClosed() {
        StreamRig rig = new StreamRig(StreamingSettings.defaults().withRapidReset(10, 60_000));
        for (int i = 0; i < 6; i++) {
            NodeStream s = (NodeStream) rig.open(session, i, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS, 0,
                    told);
            s.cancelledByCaller();
            rig.settle(session);
        }
        assertThat(session.holders).as("held past half the allowed cancels").hasSize(1);
        assertThat(session.closedWith).isNull();
        for (int i = 0; i < 5; i++) {
            NodeStream s = (NodeStream) rig.open(session, 10 + i, StreamDirection.CALLEE_TO_CALLER, CreditMode.ITEMS,
                    0, told);
            s.close(ErrorCode.CANCELLED.code(), "cancelled"); // an RPC_CANCEL
            rig.settle(session);
        }
        assertThat(session.closedWith).isEqualTo(ErrorCode.RATE_LIMITED);
        assertThat(session.closeMessage).contains("cancelled").contains("10");
    }
}
