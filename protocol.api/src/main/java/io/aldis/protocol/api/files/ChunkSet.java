package io.aldis.protocol.api.files;

import io.aldis.protocol.api.ChunkRange;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Which chunks of a transfer one side holds (stored, or seen acknowledged), and the same as the
 * inclusive ranges RESUME_REQUEST and RESUME_RESPONSE carry (docs/protocol.md 6.5.7).
 *
 * <p>Not thread-safe: the transfer that owns it guards it.
 */
public final class ChunkSet {
    private final int chunkCount;
    private final BitSet held;

    /** No chunk held yet, of a transfer with {@code chunkCount} chunks. */
    public ChunkSet(int chunkCount) {
        if (chunkCount < 0) {
            throw new IllegalArgumentException("a transfer cannot have " + chunkCount + " chunks");
        }
        this.chunkCount = chunkCount;
        this.held = new BitSet(chunkCount);
    }

    /**
     * The chunks {@code ranges} name, of a transfer with {@code chunkCount} chunks.
     *
     * @throws ProtocolException {@code CHUNK_OUT_OF_RANGE} when a range reaches past the last chunk
     */
    public static ChunkSet of(int chunkCount, List<ChunkRange> ranges) {
        ChunkSet set = new ChunkSet(chunkCount);
        for (ChunkRange range : ranges) {
            if (range.last() >= chunkCount) {
                throw new ProtocolException(ErrorCode.CHUNK_OUT_OF_RANGE, "chunks " + range.first() + " to "
                        + range.last() + " are not all in a transfer of " + chunkCount + " chunks");
            }
            set.held.set(range.first(), range.last() + 1);
        }
        return set;
    }

    /** How many chunks the transfer has. */
    public int chunkCount() {
        return chunkCount;
    }

    /** Marks chunk {@code index} held; false if it already was. */
    public boolean add(int index) {
        checkIndex(index);
        if (held.get(index)) {
            return false;
        }
        held.set(index);
        return true;
    }

    /** Whether chunk {@code index} is held. */
    public boolean contains(int index) {
        checkIndex(index);
        return held.get(index);
    }

    /** How many chunks are held. */
    public int size() {
        return held.cardinality();
    }

    /** Whether every chunk is held (true for a transfer without chunks). */
    public boolean isComplete() {
        return held.cardinality() == chunkCount;
    }

    /** The first chunk not held at or after {@code from}, or -1 if there is none. */
    public int nextMissing(int from) {
        int next = held.nextClearBit(from);
        return next < chunkCount ? next : -1;
    }

    /** The chunks held, as ascending inclusive ranges. */
    public List<ChunkRange> heldRanges() {
        return ranges(true);
    }

    /** The chunks not held, as ascending inclusive ranges. */
    public List<ChunkRange> missingRanges() {
        return ranges(false);
    }

    private List<ChunkRange> ranges(boolean ofHeld) {
        List<ChunkRange> ranges = new ArrayList<>();
        int start = ofHeld ? held.nextSetBit(0) : nextMissing(0);
        while (start >= 0 && start < chunkCount) {
            int end = Math.min(ofHeld ? held.nextClearBit(start) : held.nextSetBit(start), chunkCount);
            if (end < 0) {
                end = chunkCount;
            }
            ranges.add(new ChunkRange(start, end - 1));
            start = ofHeld ? held.nextSetBit(end) : nextMissing(end);
        }
        return ranges;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= chunkCount) {
            throw new IndexOutOfBoundsException("chunk " + index + " of a transfer with " + chunkCount + " chunks");
        }
    }
}
