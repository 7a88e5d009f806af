package io.aldis.protocol.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.CreditMode;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded, repeatable random runs of the credit rules in every mode: random high-water marks
 * (small ones included, where the largest-item rule matters most), item costs up to the largest
 * allowed, speeds of sender, connection and application, and breaks of the connection followed by
 * a resume. A failure names its seed; {@link StreamSimulation} replays it exactly.
 */
class CreditSimulationTest {
    private static final int SEEDS = 400;

    @ParameterizedTest
    @EnumSource(CreditMode.class)
    void creditIsNeverExceededReturnsComeAtHalfAndEveryItemGetsThrough(CreditMode mode) {
        long returnsAtHalf = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            returnsAtHalf += new StreamSimulation(mode, seed, 0).run();
        }
        // The runs did exercise replenishment, not only streams that fit in the first grant.
        assertThat(returnsAtHalf).isGreaterThan(SEEDS);
    }

    @ParameterizedTest
    @EnumSource(CreditMode.class)
    void resumedStreamsLoseNoItemAndRepeatNone(CreditMode mode) {
        for (long seed = 1; seed <= SEEDS; seed++) {
            new StreamSimulation(mode, 1_000_000 + seed, 1 + (int) (seed % 6)).run();
        }
    }

    @ParameterizedTest
    @EnumSource(CreditMode.class)
    void aSenderThatIgnoresItsCreditIsCaughtAtTheFirstItemBeyondIt(CreditMode mode) {
        int caught = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            Random random = new Random(seed);
            ReceiverCredit receiver = new ReceiverCredit(1 + random.nextInt(random.nextBoolean() ? 8 : 5_000));
            int largest = receiver.window().largestItemCost();
            // The protocol's own statement: an item is beyond credit when everything received,
            // it included, costs more than everything granted.
            long granted = receiver.initialGrant();
            long receivedCost = 0;
            ArrayDeque<Integer> held = new ArrayDeque<>();
            for (int step = 0; step < 100_000; step++) {
                if (!held.isEmpty() && random.nextInt(3) == 0) {
                    granted += receiver.consumed(held.removeFirst());
                    continue;
                }
                int cost = mode == CreditMode.ITEMS ? 1 : 1 + random.nextInt(largest);
                boolean beyond = receivedCost + cost > granted;
                try {
                    receiver.received(cost);
                } catch (ProtocolException e) {
                    assertThat(beyond).as("seed %d: refused only beyond the credit", seed).isTrue();
                    assertThat(e.code()).isEqualTo(ErrorCode.STREAM_CREDIT_EXCEEDED);
                    caught++;
                    break;
                }
                assertThat(beyond).as("seed %d: an item beyond the credit is caught", seed).isFalse();
                receivedCost += cost;
                held.add(cost);
            }
        }
        // Sending twice as often as the application consumes goes beyond the credit in every run.
        assertThat(caught).isEqualTo(SEEDS);
    }
}
