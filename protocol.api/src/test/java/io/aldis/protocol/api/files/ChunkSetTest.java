package io.aldis.protocol.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkSetTest {
    @Test
    void heldAndMissingAreComplementaryRanges() {
        ChunkSet set = new ChunkSet(10);
        for (int index : new int[] {0, 1, 2, 5, 9}) {
            assertThat(set.add(index)).isTrue();
        }
        assertThat(set.add(5)).isFalse();
        assertThat(set.size()).isEqualTo(5);
        assertThat(set.heldRanges()).containsExactly(new ChunkRange(0, 2), new ChunkRange(5, 5),
                new ChunkRange(9, 9));
        assertThat(set.missingRanges()).containsExactly(new ChunkRange(3, 4), new ChunkRange(6, 8));
        assertThat(set.nextMissing(0)).isEqualTo(3);
        assertThat(set.nextMissing(9)).isEqualTo(-1);
        assertThat(set.isComplete()).isFalse();
    }

    @Test
    void rangesGoBackToTheSameSet() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            int count = random.nextInt(300);
            ChunkSet set = new ChunkSet(count);
            BitSet expected = new BitSet();
            for (int i = 0; i < count; i++) {
                if (random.nextInt(3) == 0) {
                    set.add(i);
                    expected.set(i);
                }
            }
            ChunkSet again = ChunkSet.of(count, set.heldRanges());
            ChunkSet rest = ChunkSet.of(count, set.missingRanges());
            for (int i = 0; i < count; i++) {
                assertThat(again.contains(i)).isEqualTo(expected.get(i));
                assertThat(rest.contains(i)).isEqualTo(!expected.get(i));
            }
        }
    }

    @Test
    void aTransferWithoutChunksIsComplete() {
        ChunkSet empty = new ChunkSet(0);
        assertThat(empty.isComplete()).isTrue();
        assertThat(empty.heldRanges()).isEmpty();
        assertThat(empty.missingRanges()).isEmpty();
        assertThat(empty.nextMissing(0)).isEqualTo(-1);
    }

    @Test
    void aRangePastTheLastChunkIsOutOfRange() {
        assertThatThrownBy(() -> ChunkSet.of(5, List.of(new ChunkRange(3, 5))))
                .isInstanceOfSatisfying(ProtocolException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.CHUNK_OUT_OF_RANGE));
        assertThatThrownBy(() -> new ChunkSet(5).add(5)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
