package io.aldis.protocol.api.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.aldis.protocol.api.CreditMode;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One direction of a stream played step by step from a seed: a sender with {@link SenderCredit}
 * and {@link ResendBuffer}, a receiver with {@link ReceiverCredit} and an application that consumes
 * when it likes, and a connection in between whose frames arrive in order, after any number of
 * other steps, or are lost when the connection breaks and the session is resumed. Every step checks
 * the credit rules; {@link #run()} fails on a broken rule or when nothing can move before the end.
 */
final class StreamSimulation {
    /** The test's size function: the first two bytes of an item, as a u16, are its cost. */
    static final SizeFunction DECLARED_COST = new SizeFunction() {
        @Override
        public String name() {
            return "declared-u16";
        }

        @Override
        public long sizeOf(ByteBuffer item) {
            return item.remaining() < 2 ? 0 : item.getShort() & 0xFFFF;
        }
    };

    private static final Object END = "END";
    private static final int MAX_STEPS = 1_000_000;

    private final long seed;
    private final Random random;
    private final int highWaterMark;
    private final int[] costs;
    private final int breaks;

    private final SenderCredit sender = new SenderCredit();
    private final ResendBuffer<Integer> copies = new ResendBuffer<>();
    private final ReceiverCredit receiver;
    private final ArrayDeque<Object> toReceiver = new ArrayDeque<>();
    private final ArrayDeque<Integer> toSender = new ArrayDeque<>();
    private final ArrayDeque<Integer> held = new ArrayDeque<>();
    private final ArrayDeque<Integer> sendAgain = new ArrayDeque<>();
    private final List<Integer> consumed = new ArrayList<>();
    private final int[] weights;
    private int nextNew;
    private int breaksLeft;
    private boolean endSent;
    private boolean endReceived;
    private boolean finalReturnDone;
    private int grantsAtHalf;

    /**
     * @param breaks how many times the connection may break (each then resumed); 0 for none
     */
    StreamSimulation(CreditMode mode, long seed, int breaks) {
        this.seed = seed;
        this.random = new Random(seed);
        this.breaks = breaks;
        this.breaksLeft = breaks;
        this.highWaterMark = switch (mode) {
            case ITEMS -> 1 + random.nextInt(random.nextBoolean() ? 4 : 200);
            case BYTES -> 1 + random.nextInt(random.nextBoolean() ? 16 : 20_000);
            case CUSTOM -> 1 + random.nextInt(random.nextBoolean() ? 16 : 3_000);
        };
        CreditMeter meter = switch (mode) {
            case ITEMS -> CreditMeter.items();
            case BYTES -> CreditMeter.bytes();
            case CUSTOM -> CreditMeter.custom(DECLARED_COST);
        };
        int largest = new CreditWindow(highWaterMark).largestItemCost();
        costs = new int[10 + random.nextInt(300)];
        for (int i = 0; i < costs.length; i++) {
            costs[i] = meter.costOf(item(mode, largest));
        }
        receiver = new ReceiverCredit(highWaterMark);
        // Who grants first: the callee in STREAM_OPEN (the sender has it at once), or the caller in a
        // STREAM_CREDIT that is on its way, and may be lost in a break.
        if (random.nextBoolean()) {
            sender.grant(receiver.initialGrant());
        } else {
            toSender.add(receiver.initialGrant());
        }
        // Relative speeds of the parts: send, deliver an item, consume, deliver a grant.
        weights = new int[] {1 + random.nextInt(10), 1 + random.nextInt(10), 1 + random.nextInt(10),
                1 + random.nextInt(10)};
    }

    private byte[] item(CreditMode mode, int largest) {
        int pick = random.nextInt(10);
        return switch (mode) {
            case ITEMS -> new byte[random.nextInt(20)];
            // empty items, items of exactly the largest cost, and everything between
            case BYTES -> new byte[pick == 0 ? 0 : pick == 1 ? largest : random.nextInt(largest + 1)];
            case CUSTOM -> {
                int most = Math.min(largest, 0xFFFF);
                int cost = pick == 0 ? 0 : pick == 1 ? most : random.nextInt(most + 1);
                byte[] bytes = new byte[2 + random.nextInt(8)];
                random.nextBytes(bytes);
                ByteBuffer.wrap(bytes).putShort((short) cost);
                yield pick == 2 ? new byte[] {7} : bytes;
            }
        };
    }

    /** Plays the stream to its end and checks it; returns the number of grants made at half. */
    int run() {
        for (int step = 0; step < MAX_STEPS; step++) {
            if (finished()) {
                checkFinished();
                return grantsAtHalf;
            }
            if (!step()) {
                fail(where("deadlock: nothing can move; sender " + sender + ", receiver " + receiver + ", "
                        + consumed.size() + " of " + costs.length + " items consumed"));
            }
            checkConservation();
        }
        return fail(where("no end after " + MAX_STEPS + " steps"));
    }

    private boolean finished() {
        return endReceived && finalReturnDone && held.isEmpty() && toSender.isEmpty() && toReceiver.isEmpty();
    }

    /** One action chosen at random among those that can happen; false when none can. */
    private boolean step() {
        if (breaksLeft > 0 && random.nextInt(400) == 0) {
            breakAndResume();
            return true;
        }
        int total = 0;
        boolean[] possible = {canSend(), !toReceiver.isEmpty(), !held.isEmpty(), !toSender.isEmpty()};
        for (int i = 0; i < possible.length; i++) {
            total += possible[i] ? weights[i] : 0;
        }
        if (total == 0) {
            return false;
        }
        int pick = random.nextInt(total);
        for (int i = 0; i < possible.length; i++) {
            if (!possible[i]) {
                continue;
            }
            if (pick < weights[i]) {
                return switch (i) {
                    case 0 -> send();
                    case 1 -> deliverToReceiver();
                    case 2 -> consume();
                    default -> deliverGrant();
                };
            }
            pick -= weights[i];
        }
        throw new AssertionError("unreachable");
    }

    private boolean canSend() {
        Integer next = nextToSend();
        if (next == null) {
            return !endSent;
        }
        // A sender keeps the item when the credit does not cover it: WAIT takes nothing.
        return sender.granted() && costs[next] <= sender.credit();
    }

    private Integer nextToSend() {
        if (!sendAgain.isEmpty()) {
            return sendAgain.peekFirst();
        }
        return nextNew < costs.length ? nextNew : null;
    }

    private boolean send() {
        Integer next = nextToSend();
        if (next == null) {
            toReceiver.add(END);
            endSent = true;
            return true;
        }
        SenderCredit.Verdict verdict = sender.take(costs[next]);
        assertThat(verdict).as(where("item " + next + " costing " + costs[next])).isEqualTo(SenderCredit.Verdict.SEND);
        if (!sendAgain.isEmpty()) {
            sendAgain.removeFirst();
        } else {
            nextNew++;
        }
        copies.sent(next, costs[next]);
        toReceiver.add(next);
        return true;
    }

    private boolean deliverToReceiver() {
        Object frame = toReceiver.removeFirst();
        if (frame == END) {
            receiver.endReceived();
            endReceived = true;
            finalReturnIfDrained();
            return true;
        }
        int index = (Integer) frame;
        assertThat((long) index).as(where("items arrive in order, each once")).isEqualTo(receiver.receivedItems());
        receiver.received(costs[index]);
        held.add(index);
        return true;
    }

    private boolean consume() {
        int index = held.removeFirst();
        consumed.add(index);
        int grant = receiver.consumed(costs[index]);
        if (grant > 0) {
            // Exactly at half: the return reaches half with this item and did not without it.
            assertThat(2L * grant).as(where("a return reaches half the high-water mark"))
                    .isGreaterThanOrEqualTo(highWaterMark);
            assertThat(2L * (grant - costs[index])).as(where("a return comes at the first item that reaches half"))
                    .isLessThan(highWaterMark);
            grantsAtHalf++;
            toSender.add(grant);
        }
        finalReturnIfDrained();
        return true;
    }

    private void finalReturnIfDrained() {
        if (!finalReturnDone && receiver.drained()) {
            int rest = receiver.finalReturn();
            if (rest > 0) {
                toSender.add(rest);
            }
            finalReturnDone = true;
        }
    }

    private boolean deliverGrant() {
        int grant = toSender.removeFirst();
        boolean first = !sender.granted();
        sender.grant(grant);
        if (!first) {
            // The first grant opens the window; only later ones pay items back.
            copies.paidBack(grant);
        }
        return true;
    }

    private void breakAndResume() {
        breaksLeft--;
        // Everything in flight is lost both ways.
        toReceiver.clear();
        toSender.clear();
        long sentBefore = copies.sentItems();
        ResumePoint point = receiver.resumePoint();
        sender.resume(point.credit());
        List<Integer> again = copies.resume(point, sender.highWaterMark());
        List<Integer> expected = new ArrayList<>();
        for (long i = point.received(); i < sentBefore; i++) {
            expected.add((int) i);
        }
        assertThat(again).as(where("the items sent again are exactly those the receiver did not get"))
                .isEqualTo(expected);
        // Items sent again go before new ones; those already waiting to be sent again follow them.
        List<Integer> waiting = new ArrayList<>(sendAgain);
        sendAgain.clear();
        sendAgain.addAll(again);
        sendAgain.addAll(waiting);
        if (endSent && !point.ended()) {
            endSent = false;
        }
        // The resume point returned whatever was consumed, the final return included.
        finalReturnDone = receiver.drained();
    }

    /**
     * The credit never exceeded: what the sender holds plus what is in flight either way is exactly
     * what the receiver handed out, and the copies kept never cost more than the window.
     */
    private void checkConservation() {
        long inFlightItems = 0;
        for (Object frame : toReceiver) {
            if (frame != END) {
                inFlightItems += costs[(Integer) frame];
            }
        }
        long inFlightGrants = toSender.stream().mapToLong(Integer::longValue).sum();
        assertThat(sender.credit() + inFlightItems + inFlightGrants).as(where("credit conserved"))
                .isEqualTo(receiver.handedOut());
        assertThat(receiver.handedOut()).as(where("never more than the window handed out"))
                .isLessThanOrEqualTo(highWaterMark);
        assertThat(copies.keptCost()).as(where("copies within the window")).isLessThanOrEqualTo(highWaterMark);
    }

    private void checkFinished() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < costs.length; i++) {
            all.add(i);
        }
        assertThat(consumed).as(where("every item consumed once, in order")).isEqualTo(all);
        assertThat(sender.allPaidBack()).as(where("the final return gives the sender the whole window back")).isTrue();
        assertThat(copies.keptItems()).as(where("no copy kept after the end")).isZero();
    }

    private String where(String what) {
        return what + " (seed " + seed + ", high-water mark " + highWaterMark + ", " + costs.length + " items, "
                + breaks + " breaks allowed)";
    }
}
