package io.aldis.protocol.api.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChunkLayoutTest {
    @Test
    void theLastChunkHoldsTheRest() {
        ChunkLayout layout = new ChunkLayout(1000, 512);
        assertThat(layout.chunkCount()).isEqualTo(2);
        assertThat(layout.sizeOf(0)).isEqualTo(512);
        assertThat(layout.sizeOf(1)).isEqualTo(488);
        assertThat(layout.offsetOf(1)).isEqualTo(512);
        assertThat(layout.holds(2)).isFalse();
        assertThatThrownBy(() -> layout.sizeOf(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void exactMultiplesOneByteAndEmptyFiles() {
        assertThat(new ChunkLayout(1024, 512).chunkCount()).isEqualTo(2);
        assertThat(new ChunkLayout(1024, 512).sizeOf(1)).isEqualTo(512);
        assertThat(new ChunkLayout(1, 512).chunkCount()).isEqualTo(1);
        assertThat(new ChunkLayout(1, 512).sizeOf(0)).isEqualTo(1);
        assertThat(new ChunkLayout(0, 512).chunkCount()).isZero();
        assertThat(new ChunkLayout(0, 512).holds(0)).isFalse();
    }

    @Test
    void largeFilesKeepTheirOffsetsExact() {
        ChunkLayout layout = new ChunkLayout(5L * 1024 * 1024 * 1024 + 7, 1024 * 1024);
        assertThat(layout.chunkCount()).isEqualTo(5 * 1024 + 1);
        assertThat(layout.offsetOf(5 * 1024)).isEqualTo(5L * 1024 * 1024 * 1024);
        assertThat(layout.sizeOf(5 * 1024)).isEqualTo(7);
    }

    @Test
    void sizesThatCannotBeCutAreRefused() {
        assertThatThrownBy(() -> new ChunkLayout(-1, 512)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkLayout(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ChunkLayout(Long.MAX_VALUE, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
