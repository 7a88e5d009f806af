package io.aldis.client.internal.files;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.files.ChunkLayout;
import io.aldis.protocol.api.files.ChunkSet;

/** How many bytes of a file some of its chunks hold: the progress a resumed transfer starts from. */
final class ChunkBytes {
    private ChunkBytes() {
    }

    static long of(ChunkLayout layout, ChunkSet chunks) {
        long bytes = 0;
        for (ChunkRange range : chunks.heldRanges()) {
            bytes += layout.offsetOf(range.last()) + layout.sizeOf(range.last()) - layout.offsetOf(range.first());
        }
        return bytes;
    }
}
