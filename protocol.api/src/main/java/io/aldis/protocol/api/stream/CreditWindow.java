package io.aldis.protocol.api.stream;

/**
 * The two rules a receiver's high-water mark sets for one direction of a stream (docs/protocol.md
 * 6.4.3): the largest cost one item may have, half of it rounded up, and the point at which the
 * receiver returns consumed credit, when it reaches half of it. Together they make the flow
 * deadlock-free: a receiver that keeps consuming leaves the sender at least the largest item's
 * cost. Immutable and thread-safe.
 *
 * @param highWaterMark the receiver's first grant: the most credit it ever hands out at once,
 *        1 to 2<sup>31</sup>-1
 */
public record CreditWindow(int highWaterMark) {
    public CreditWindow {
        if (highWaterMark < 1) {
            throw new IllegalArgumentException("a high-water mark must be at least 1: " + highWaterMark);
        }
    }

    /** The largest cost one item may have: half the high-water mark, rounded up. */
    public int largestItemCost() {
        return (int) ((highWaterMark + 1L) / 2);
    }

    /** Whether consumed credit not yet returned has reached half the high-water mark. */
    public boolean replenishDue(long unreturned) {
        return 2 * unreturned >= highWaterMark;
    }
}
