package io.aldis.client.internal.files;

import io.aldis.protocol.api.ChunkRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The chunks a download holds as runs of neighbours, kept up to date chunk by chunk, so that the
 * note written before each acknowledgement costs the few runs there are, not a scan of the file's
 * chunks (which, with small chunks in a large file, would grow with the square of its size).
 */
final class HeldRanges {
    /** First chunk of each run to its last; runs neither overlap nor touch. */
    private final TreeMap<Integer, Integer> runs = new TreeMap<>();

    /** Starts from {@code ranges}, which neither overlap nor touch ({@code ChunkSet.heldRanges()}). */
    HeldRanges(List<ChunkRange> ranges) {
        for (ChunkRange range : ranges) {
            runs.put(range.first(), range.last());
        }
    }

    /** Adds chunk {@code index}, joining the runs on either side. */
    void add(int index) {
        Map.Entry<Integer, Integer> before = runs.floorEntry(index);
        if (before != null && before.getValue() >= index) {
            return;
        }
        int first = before != null && before.getValue() == index - 1 ? before.getKey() : index;
        Integer after = runs.remove(index + 1);
        runs.put(first, after != null ? after : index);
    }

    /** How many runs there are. */
    int count() {
        return runs.size();
    }

    /** The runs in order. */
    List<ChunkRange> list() {
        List<ChunkRange> list = new ArrayList<>(runs.size());
        runs.forEach((first, last) -> list.add(new ChunkRange(first, last)));
        return list;
    }
}
