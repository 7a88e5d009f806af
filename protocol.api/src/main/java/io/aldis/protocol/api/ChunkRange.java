package io.aldis.protocol.api;

/**
 * An inclusive range of chunk indexes, as carried in RESUME_REQUEST and RESUME_RESPONSE.
 *
 * @param first the first index in the range, from 0
 * @param last  the last index in the range, not less than {@code first}
 */
public record ChunkRange(int first, int last) {
    public ChunkRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid chunk range " + first + ".." + last);
        }
    }

    /** How many chunks the range holds. */
    public long count() {
        return (long) last - first + 1;
    }
}
