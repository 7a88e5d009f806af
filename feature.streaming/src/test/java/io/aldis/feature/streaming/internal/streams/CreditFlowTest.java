package io.aldis.feature.streaming.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.feature.streaming.internal.StreamingSettings;
import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.RpcResponse;
import io.aldis.protocol.api.StreamCredit;
import io.aldis.protocol.api.StreamData;
import io.aldis.protocol.api.StreamDirection;
import io.aldis.protocol.api.StreamEnd;
import io.aldis.protocol.api.StreamError;
import io.aldis.protocol.api.StreamOpen;
import io.aldis.protocol.api.spi.stream.CallStream;
import io.aldis.protocol.api.stream.CreditMeter;
import io.aldis.protocol.api.stream.CreditWindow;
import io.aldis.protocol.api.stream.ReceiverCredit;
import io.aldis.protocol.api.stream.SenderCredit;
import io.aldis.protocol.api.stream.SizeFunction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Credit under randomized grant schedules and item sizes, in every credit mode (docs/protocol.md
 * 6.4.3), with the caller played by the protocol's own credit classes: the node never sends beyond
 * the caller's credit and never asks its publisher for more than that credit covers; as receiver it
 * returns credit at half its high-water mark and never lets the caller exceed it. Seeded, so every
 * failure repeats.
 */
class CreditFlowTest {
    private static final SizeFunction HALF_LENGTH = new SizeFunction() {
        @Override
        public String name() {
            return "half-length";
        }

        @Override
        public long sizeOf(ByteBuffer item) {
            return item.remaining() / 2 + 1;
        }
    };

    static List<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (CreditMode mode : CreditMode.values()) {
            for (long seed = 1; seed <= 15; seed++) {
                runs.add(Arguments.of(mode, seed));
            }
        }
        return runs;
    }

    /** The runs, with the service's publisher asked on the event loop and on the workers. */
    static List<Arguments> runsBothWays() {
        List<Arguments> runs = new ArrayList<>();
        for (Arguments run : runs()) {
            for (boolean onLoop : new boolean[] {true, false}) {
                runs.add(Arguments.of(run.get()[0], run.get()[1], onLoop));
            }
        }
        return runs;
    }

    private static int highWaterMark(CreditMode mode, Random random) {
        return mode == CreditMode.ITEMS ? 1 + random.nextInt(80) : 1 + random.nextInt(4000);
    }

    /** Items whose cost fits half the high-water mark, as the rules allow. */
    private static List<byte[]> items(CreditMode mode, int h, Random random, int count) {
        int largest = new CreditWindow(h).largestItemCost();
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int length = switch (mode) {
                case ITEMS -> random.nextInt(50);
                case BYTES -> random.nextInt(largest + 1);
                case CUSTOM -> random.nextInt(2 * largest - 1);
            };
            byte[] item = new byte[length];
            random.nextBytes(item);
            if (item.length > 0) {
                item[0] = (byte) i;
            }
            items.add(item);
        }
        return items;
    }

    private static StreamRig rig() {
        return rig(true);
    }

    /**
     * @param onLoop whether the publisher is asked on the event loop (as the default does while it is
     *               prompt; here with a limit no run of these tests reaches, so that where a request
     *               runs never depends on how busy the machine is)
     */
    private static StreamRig rig(boolean onLoop) {
        StreamingSettings defaults = StreamingSettings.defaults();
        StreamRig rig = new StreamRig(defaults.withPublisherOnLoopMicros(onLoop ? 1_000_000 : 0));
        rig.sizeFunctions.put(HALF_LENGTH.name(), HALF_LENGTH);
        return rig;
    }

    private static CreditMeter meter(CreditMode mode) {
        return switch (mode) {
            case ITEMS -> CreditMeter.items();
            case BYTES -> CreditMeter.bytes();
            case CUSTOM -> CreditMeter.custom(HALF_LENGTH);
        };
    }

    @ParameterizedTest(name = "{0} seed {1}, publisher asked on the loop: {2}")
    @MethodSource("runsBothWays")
    void theNodeSendsWithinTheCallersCreditAndAsksItsPublisherForNoMore(CreditMode mode, long seed,
            boolean publisherOnLoop) {
        Random random = new Random(seed);
        int h = highWaterMark(mode, random);
        List<byte[]> items = items(mode, h, random, 150);
        CreditMeter meter = meter(mode);
        StreamRig rig = rig(publisherOnLoop);
        TestSession session = TestSession.withStreams();
        StreamRig.Told told = new StreamRig.Told();
        CallStream stream = rig.open(session, 7, StreamDirection.CALLEE_TO_CALLER, mode, 0, told);
        StreamRig.Source source = new StreamRig.Source(items);
        stream.send(source);
        rig.settle(session);
        assertThat(source.requested).as("nothing is asked before the caller's first grant").isZero();

        ReceiverCredit caller = new ReceiverCredit(h);
        NodeStream node = (NodeStream) stream;
        node.credit(caller.initialGrant());
        long granted = h;
        ArrayDeque<byte[]> held = new ArrayDeque<>();
        List<Integer> late = new ArrayList<>();
        List<byte[]> consumed = new ArrayList<>();
        int read = 0;
        boolean ended = false;
        while (!ended || !held.isEmpty()) {
            rig.settle(session);
            List<Frame> sent = session.sent;
            for (; read < sent.size(); read++) {
                Frame f = sent.get(read);
                assertThat(f).isNotInstanceOf(StreamError.class);
                if (f instanceof StreamData data) {
                    caller.received(meter.costOf(data.item())); // throws STREAM_CREDIT_EXCEEDED if beyond
                    held.add(data.item());
                    ended |= data.last();
                } else if (f instanceof StreamEnd) {
                    ended = true;
                }
            }
            if (mode == CreditMode.ITEMS) {
                assertThat(source.requested).as("asked of the publisher").isLessThanOrEqualTo(granted);
            } else {
                assertThat(source.requested - source.emitted).isLessThanOrEqualTo(1);
                assertThat(source.emitted - consumed.size() - held.size()).as("held beyond the credit")
                        .isLessThanOrEqualTo(1);
            }
            int take = held.isEmpty() ? 0 : 1 + random.nextInt(held.size());
            for (int i = 0; i < take; i++) {
                byte[] item = held.poll();
                consumed.add(item);
                int grant = caller.consumed(meter.costOf(item));
                if (grant > 0) {
                    late.add(grant);
                }
            }
            // Grants reach the node in order, some at once and some a round or more later.
            while (!late.isEmpty() && (held.isEmpty() || random.nextBoolean())) {
                int grant = late.remove(0);
                node.credit(grant);
                granted += grant;
            }
        }
        assertThat(consumed).containsExactlyElementsOf(items);
        assertThat(told.events).containsExactly("ended");
        assertThat(session.sent.get(0)).isInstanceOf(StreamOpen.class);
        // The caller holds its final return back for the answer (6.4.3, rule 5); the node keeps the
        // stream, and the answer, until that return pays back every item.
        for (int grant : late) {
            node.credit(grant);
        }
        node.answer(new RpcResponse(7, "null".getBytes(StandardCharsets.US_ASCII)));
        rig.settle(session);
        assertThat(session.sent.get(session.sent.size() - 1)).isInstanceOf(RpcResponse.class);
        caller.endReceived();
        int last = caller.finalReturn();
        if (last > 0) {
            assertThat(rig.streams.openStreams()).isOne();
            node.credit(last);
            rig.settle(session);
        }
        assertThat(rig.streams.openStreams()).isZero();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("runs")
    void theNodeReturnsCreditAtHalfItsHighWaterMarkAndHandsItemsOnlyAsRequested(CreditMode mode, long seed) {
        Random random = new Random(seed);
        int h = highWaterMark(mode, random);
        List<byte[]> items = items(mode, h, random, 150);
        CreditMeter meter = meter(mode);
        StreamRig rig = rig();
        TestSession session = TestSession.withStreams();
        StreamRig.Told told = new StreamRig.Told();
        NodeStream stream = (NodeStream) rig.open(session, 8, StreamDirection.CALLER_TO_CALLEE, mode, h, told);
        StreamRig.Sink sink = new StreamRig.Sink();
        stream.received().subscribe(sink);
        rig.settle(session);
        StreamOpen open = session.sent(StreamOpen.class).get(0);
        assertThat(open.initialCredit()).isEqualTo(h);

        SenderCredit caller = new SenderCredit();
        caller.grant(open.initialCredit());
        long requested = 0;
        int next = 0;
        int read = 0;
        boolean endSent = false;
        while (!sink.completed) {
            while (next < items.size() && random.nextInt(3) > 0) {
                byte[] item = items.get(next);
                if (caller.take(meter.costOf(item)) != SenderCredit.Verdict.SEND) {
                    break;
                }
                stream.data(new StreamData(false, stream.streamId(), item));
                next++;
            }
            if (next == items.size() && !endSent) {
                stream.end();
                endSent = true;
            }
            long ask = random.nextInt(5);
            if (ask > 0) {
                sink.subscription.request(ask);
                requested += ask;
            }
            rig.settle(session);
            assertThat(sink.items.size()).as("handed over only as requested").isLessThanOrEqualTo((int) requested);
            int lastCredit = -1;
            for (int i = read; i < session.sent.size(); i++) {
                if (session.sent.get(i) instanceof StreamCredit) {
                    lastCredit = i;
                }
            }
            for (; read < session.sent.size(); read++) {
                Frame f = session.sent.get(read);
                assertThat(f).isNotInstanceOf(StreamError.class);
                if (f instanceof StreamCredit credit) {
                    boolean finalReturn = sink.completed && read == lastCredit;
                    if (!finalReturn) {
                        assertThat(2L * credit.credit()).as("returned at half the high-water mark")
                                .isGreaterThanOrEqualTo(h);
                    }
                    caller.grant(credit.credit()); // throws when the node grants above its high-water mark
                }
            }
        }
        assertThat(sink.items).containsExactlyElementsOf(items);
        assertThat(caller.allPaidBack()).as("the final return gives the caller its whole window back").isTrue();
        assertThat(told.events).isEmpty();
        assertThat(rig.streams.openStreams()).as("kept until the call's answer went out").isOne();
        stream.answer(new RpcResponse(8, "null".getBytes(StandardCharsets.US_ASCII)));
        rig.settle(session);
        assertThat(session.sent.get(session.sent.size() - 1)).isInstanceOf(RpcResponse.class);
        assertThat(rig.streams.openStreams()).isZero();
    }

    /**
     * In {@code bytes} mode an item's cost is known only once it is there, so the node asks for one
     * at a time; the next is asked for as each arrives, from the publisher's side, while the credit
     * covers what arrived. A publisher that gives items within its {@code request} then fills a
     * grant in one task on the pool, not one hand-over from the loop and back per item; and in no
     * task on the pool at all while it is asked on the event loop.
     */
    @ParameterizedTest(name = "publisher asked on the loop: {0}")
    @ValueSource(booleans = {true, false})
    void inBytesModeTheItemsOfOneGrantCostOneHandOverToThePublisherAtMost(boolean publisherOnLoop) {
        int h = 1 << 20;
        int size = 60_000; // 17 fit in the window, with 28 576 bytes of credit left
        List<byte[]> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] item = new byte[size];
            item[0] = (byte) i;
            items.add(item);
        }
        StreamRig rig = rig(publisherOnLoop);
        int handOvers = publisherOnLoop ? 0 : 1;
        TestSession session = TestSession.withStreams();
        NodeStream stream = (NodeStream) rig.open(session, 9, StreamDirection.CALLEE_TO_CALLER, CreditMode.BYTES, 0,
                new StreamRig.Told());
        StreamRig.Source source = new StreamRig.Source(items);
        stream.send(source);
        rig.settle(session);

        int before = rig.poolHandOvers;
        stream.credit(h);
        rig.settle(session);
        assertThat(session.sent(StreamData.class)).as("the first grant covers 17 items").hasSize(17);
        assertThat(source.emitted).as("and one more, asked while credit was left, waits for credit").isEqualTo(18);
        assertThat(rig.poolHandOvers - before).as("hand-overs to the publisher for the first grant")
                .isEqualTo(handOvers);

        before = rig.poolHandOvers;
        stream.credit(h / 2);
        rig.settle(session);
        assertThat(session.sent(StreamData.class)).as("half the window returned covers 9 more").hasSize(26);
        assertThat(source.emitted).as("one held beyond the credit again").isEqualTo(27);
        assertThat(rig.poolHandOvers - before).as("hand-overs to the publisher for the second grant")
                .isEqualTo(handOvers);
        List<StreamData> sent = session.sent(StreamData.class);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(sent.get(i).item()).isSameAs(items.get(i));
        }
    }
}
