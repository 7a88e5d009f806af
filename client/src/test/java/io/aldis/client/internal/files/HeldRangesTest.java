package io.aldis.client.internal.files;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.files.ChunkSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeldRangesTest {
    @Test
    void aChunkJoinsTheRunsOnEitherSide() {
        HeldRanges held = new HeldRanges(List.of(new ChunkRange(0, 2), new ChunkRange(4, 6)));
        held.add(9);
        assertThat(held.list()).containsExactly(new ChunkRange(0, 2), new ChunkRange(4, 6), new ChunkRange(9, 9));
        held.add(3);
        assertThat(held.list()).containsExactly(new ChunkRange(0, 6), new ChunkRange(9, 9));
        held.add(8);
        held.add(5);
        assertThat(held.list()).containsExactly(new ChunkRange(0, 6), new ChunkRange(8, 9));
        assertThat(held.count()).isEqualTo(2);
    }

    @Test
    void agreesWithAChunkSetWhateverTheOrder() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int chunks = 1 + random.nextInt(64);
            ChunkSet reference = new ChunkSet(chunks);
            for (int i = 0; i < chunks; i++) {
                if (random.nextInt(4) == 0) {
                    reference.add(i);
                }
            }
            HeldRanges held = new HeldRanges(reference.heldRanges());
            for (int added = 0; added < chunks; added++) {
                int index = random.nextInt(chunks);
                reference.add(index);
                held.add(index);
                assertThat(held.list()).as("round %d, after %d", round, index).isEqualTo(reference.heldRanges());
            }
        }
    }
}
