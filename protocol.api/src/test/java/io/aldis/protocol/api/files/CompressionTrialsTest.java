package io.aldis.protocol.api.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.Compression;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Drives the trials as a sender does, on a clock the test moves: chunks prepared some way ahead of
 * their acknowledgements, each acknowledgement taking as long as the test says the ways cost.
 */
class CompressionTrialsTest {
    private static final int CHUNK = 1 << 20;
    private static final int PERIOD = (int) (CompressionTrials.PERIOD_BYTES / CHUNK);
    /** The sender's lead, short enough to keep periods at {@link CompressionTrials#PERIOD_BYTES}. */
    private static final int LAG = 40;
    private static final long FAST = 1_000_000;
    private static final long SLOW = 1_600_000;

    private long now;

    /**
     * A sender that runs {@code lag} chunks ahead; each acknowledgement costs what {@code cost} says
     * for the chunk being prepared.
     */
    private List<Compression> send(CompressionTrials trials, int chunks, int lag, IntToLongFunction cost) {
        List<Compression> ways = new ArrayList<>();
        for (int i = 0; i < Math.min(lag, chunks); i++) {
            ways.add(trials.forChunk(i));
        }
        for (int acked = 0; acked < chunks; acked++) {
            int preparing = acked + lag;
            if (preparing < chunks) {
                ways.add(trials.forChunk(preparing));
            }
            now += cost.applyAsLong(Math.min(preparing, chunks - 1));
            trials.acknowledged(acked);
        }
        return ways;
    }

    private CompressionTrials trials(Compression compression, int chunks) {
        return new CompressionTrials(compression, new ChunkLayout((long) chunks * CHUNK, CHUNK), LAG, () -> now);
    }

    private static Compression periodWay(List<Compression> ways, int period) {
        Compression first = ways.get(period * PERIOD);
        assertThat(ways.subList(period * PERIOD, Math.min(ways.size(), (period + 1) * PERIOD)))
                .as("period %d is sent one way", period).containsOnly(first);
        return first;
    }

    /** The cost of preparing a chunk the way its period goes, slow for {@code slow}. */
    private static IntToLongFunction costs(CompressionTrials trials, Compression slow) {
        return index -> trials.forChunk(index) == slow ? SLOW : FAST;
    }

    /** NONE: a link faster than compression; ADAPTIVE: a link slower than it. */
    @ParameterizedTest(name = "{0} faster")
    @EnumSource(value = Compression.class, names = {"NONE", "ADAPTIVE"})
    void theFasterWayIsKeptAndTheOtherTriedAgainAfterSixPeriods(Compression faster) {
        Compression slower = faster == Compression.NONE ? Compression.ADAPTIVE : Compression.NONE;
        int chunks = 12 * PERIOD;
        CompressionTrials trials = trials(Compression.ADAPTIVE, chunks);
        List<Compression> ways = send(trials, chunks, LAG, costs(trials, slower));

        assertThat(periodWay(ways, 0)).as("tried compressed").isEqualTo(Compression.ADAPTIVE);
        assertThat(periodWay(ways, 1)).as("tried as it is").isEqualTo(Compression.NONE);
        for (int period = 2; period < 2 + CompressionTrials.KEPT_PERIODS; period++) {
            assertThat(periodWay(ways, period)).as("period %d", period).isEqualTo(faster);
        }
        assertThat(periodWay(ways, 2 + CompressionTrials.KEPT_PERIODS)).as("the other way tried again")
                .isEqualTo(slower);
        assertThat(periodWay(ways, 3 + CompressionTrials.KEPT_PERIODS)).isEqualTo(faster);
    }

    @Test
    void aChangedLinkIsFollowedAtTheNextTrial() {
        int chunks = 20 * PERIOD;
        CompressionTrials trials = trials(Compression.ADAPTIVE, chunks);
        int change = 5 * PERIOD;
        // Compression pays at first, then the link gets faster than compression.
        List<Compression> ways = send(trials, chunks, LAG, index -> {
            Compression way = trials.forChunk(index);
            return index < change ? (way == Compression.NONE ? SLOW : FAST) : (way == Compression.NONE ? FAST : SLOW);
        });

        assertThat(periodWay(ways, 4)).isEqualTo(Compression.ADAPTIVE);
        // The kept way, measured slower now, loses to the trial of period 8.
        assertThat(periodWay(ways, 2 + CompressionTrials.KEPT_PERIODS)).isEqualTo(Compression.NONE);
        assertThat(periodWay(ways, 3 + CompressionTrials.KEPT_PERIODS)).isEqualTo(Compression.NONE);
    }

    @Test
    void timeWhileTheSenderPreparesAnotherPeriodDoesNotCount() {
        int chunks = 12 * PERIOD;
        CompressionTrials trials = trials(Compression.ADAPTIVE, chunks);
        // Compression is faster, but the acknowledgements of period 0 that come while the sender
        // already prepares period 1 are very slow: counted, they would make sending as it is look faster.
        List<Compression> ways = send(trials, chunks, LAG, index -> {
            if (index / PERIOD == 1 && index - LAG < PERIOD) {
                return 1_000 * SLOW;
            }
            return trials.forChunk(index) == Compression.NONE ? SLOW : FAST;
        });

        assertThat(periodWay(ways, 2)).isEqualTo(Compression.ADAPTIVE);
    }

    @Test
    void aGapAfterAnInterruptionDoesNotCount() {
        int chunks = 12 * PERIOD;
        CompressionTrials trials = trials(Compression.ADAPTIVE, chunks);
        List<Compression> ways = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            ways.add(trials.forChunk(i));
            now += ways.get(i) == Compression.ADAPTIVE ? SLOW : FAST;
            if (i == PERIOD + PERIOD / 2) {
                trials.interrupted();
                now += 60_000_000_000L; // a minute to reconnect, in the middle of the trial of sending as it is
            }
            trials.acknowledged(i);
        }

        assertThat(periodWay(ways, 2)).isEqualTo(Compression.NONE);
    }

    @Test
    void aFileOfFewerWholePeriodsIsCompressedThroughout() {
        int chunks = CompressionTrials.TRIED_FROM_PERIODS * PERIOD - 1;
        CompressionTrials trials = trials(Compression.ADAPTIVE, chunks);
        List<Compression> ways = send(trials, chunks, LAG, costs(trials, Compression.ADAPTIVE));

        assertThat(ways).hasSize(chunks).containsOnly(Compression.ADAPTIVE);
        CompressionTrials oneMore = trials(Compression.ADAPTIVE, chunks + 1);
        oneMore.forChunk(0);
        assertThat(oneMore.forChunk(PERIOD)).as("one chunk more is tried").isEqualTo(Compression.NONE);
        CompressionTrials partLast = new CompressionTrials(Compression.ADAPTIVE,
                new ChunkLayout((long) chunks * CHUNK + 1, CHUNK), LAG, () -> now);
        partLast.forChunk(0);
        assertThat(partLast.forChunk(PERIOD)).as("a last chunk that is not whole does not count")
                .isEqualTo(Compression.ADAPTIVE);
    }

    @Test
    void otherCompressionsAreKeptForEveryChunk() {
        int chunks = 12 * PERIOD;
        for (Compression compression : new Compression[] {Compression.NONE, Compression.LZ4}) {
            CompressionTrials trials = trials(compression, chunks);
            List<Compression> ways = send(trials, chunks, LAG, index -> FAST);
            assertThat(ways).hasSize(chunks).containsOnly(compression);
        }
    }

    @Test
    void smallChunksMakeLongerPeriodsInChunks() {
        int chunk = 64 * 1024;
        int period = (int) (CompressionTrials.PERIOD_BYTES / chunk);
        CompressionTrials trials = new CompressionTrials(Compression.ADAPTIVE,
                new ChunkLayout(5L * period * chunk, chunk), LAG, () -> now);

        assertThat(trials.forChunk(period - 1)).isEqualTo(Compression.ADAPTIVE);
        assertThat(trials.forChunk(period)).isEqualTo(Compression.NONE);
    }

    @Test
    void aPeriodHoldsWholeChunksOnly() {
        int chunk = (1 << 20) - 34; // the node's default, which 64 MiB does not divide
        int period = (int) (CompressionTrials.PERIOD_BYTES / chunk);
        CompressionTrials trials = new CompressionTrials(Compression.ADAPTIVE,
                new ChunkLayout(CompressionTrials.TRIED_FROM_PERIODS * CompressionTrials.PERIOD_BYTES, chunk), LAG,
                () -> now);

        assertThat(trials.forChunk(period - 1)).isEqualTo(Compression.ADAPTIVE);
        assertThat(trials.forChunk(period)).isEqualTo(Compression.NONE);
    }

    @Test
    void aSenderFarAheadGetsPeriodsLongEnoughToMeasure() {
        int lead = 3 * PERIOD;
        int period = lead + CompressionTrials.MEASURED_LEAST;
        int chunks = 5 * period;
        CompressionTrials trials = new CompressionTrials(Compression.ADAPTIVE,
                new ChunkLayout((long) chunks * CHUNK, CHUNK), lead, () -> now);
        List<Compression> ways = send(trials, chunks, lead, costs(trials, Compression.ADAPTIVE));

        assertThat(ways.subList(period - 1, period + 1)).containsExactly(Compression.ADAPTIVE, Compression.NONE);
        assertThat(ways.subList(2 * period, 3 * period)).as("sending as it is, measured faster")
                .containsOnly(Compression.NONE);
    }

    @Test
    void aResumedTransferTriesBothWaysOnThePeriodsItSends() {
        int chunks = 12 * PERIOD;
        CompressionTrials trials = trials(Compression.ADAPTIVE, chunks);

        assertThat(trials.forChunk(10 * PERIOD)).as("the first period sent").isEqualTo(Compression.ADAPTIVE);
        assertThat(trials.forChunk(11 * PERIOD)).as("the second").isEqualTo(Compression.NONE);
    }

    @Test
    void aStallDoesNotCount() {
        int chunks = 12 * PERIOD;
        CompressionTrials trials = trials(Compression.ADAPTIVE, chunks);
        // Sending as it is is faster, but one acknowledgement in its trial comes after a pause of 5 s.
        List<Compression> ways = send(trials, chunks, LAG, index -> {
            if (index == PERIOD + LAG + 10) {
                return 5_000_000_000L;
            }
            return trials.forChunk(index) == Compression.ADAPTIVE ? SLOW : FAST;
        });

        assertThat(periodWay(ways, 2)).isEqualTo(Compression.NONE);
    }
}
