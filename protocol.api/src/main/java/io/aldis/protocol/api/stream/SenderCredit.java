package io.aldis.protocol.api.stream;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;

/**
 * The sender's credit on one direction of a stream (docs/protocol.md 6.4.3): whether the next
 * item may go now, the credit it takes, the grants that arrive, and the largest-item rule.
 *
 * <p>The receiver's first grant is its high-water mark and fixes the {@link CreditWindow}; until
 * it has arrived nothing may be sent. A grant that would take the credit above the high-water
 * mark is the receiver's error.
 *
 * <p>Thread-safe: every method is atomic, so the thread that produces items (a
 * {@code Flow.Subscription}'s {@code request(n)}, for one) may call {@link #take} while the I/O
 * thread calls {@link #grant}. A {@link Verdict#WAIT} means: try again after the next grant.
 */
public final class SenderCredit {
    /** What {@link #take} decided about one item. */
    public enum Verdict {
        /** The credit covered the item; its cost has been taken: send it now. */
        SEND,
        /** Not enough credit (or no first grant yet): keep the item and try again after a grant. */
        WAIT,
        /**
         * The item costs more than half the receiver's high-water mark, so no amount of waiting
         * may let it through: end the stream with STREAM_ERROR {@code STREAM_ITEM_TOO_LARGE}.
         */
        TOO_LARGE
    }

    private CreditWindow window;
    private long credit;

    /** Takes {@code cost} from the credit when it covers it. */
    public synchronized Verdict take(int cost) {
        requirePositive(cost);
        if (window == null) {
            return Verdict.WAIT;
        }
        if (cost > window.largestItemCost()) {
            return Verdict.TOO_LARGE;
        }
        if (cost > credit) {
            return Verdict.WAIT;
        }
        credit -= cost;
        return Verdict.SEND;
    }

    /**
     * Adds a STREAM_CREDIT grant; the first is the receiver's high-water mark.
     *
     * @throws ProtocolException with {@link ErrorCode#PROTOCOL_ERROR} for a first grant of 0, or a
     *         grant that takes the credit above the high-water mark
     */
    public synchronized void grant(int amount) {
        if (amount < 0) {
            throw new IllegalArgumentException("a grant cannot be negative: " + amount);
        }
        if (window == null) {
            if (amount == 0) {
                throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                        "the first credit of a stream must be at least 1");
            }
            window = new CreditWindow(amount);
            credit = amount;
            return;
        }
        if (credit + amount > window.highWaterMark()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "a grant of " + amount + " takes the credit to "
                    + (credit + amount) + ", above the high-water mark " + window.highWaterMark());
        }
        credit += amount;
    }

    /**
     * Takes the credit a STREAM_RESUME gives after a session resume, which replaces the count kept
     * here (grants lost in the break are in it). When the first grant was lost too, the receiver
     * holds nothing and the credit is the high-water mark itself.
     *
     * @throws ProtocolException with {@link ErrorCode#PROTOCOL_ERROR} for a credit above the high-water
     *         mark, or a first credit of 0
     */
    public synchronized void resume(int newCredit) {
        if (window == null) {
            grant(newCredit);
            return;
        }
        if (newCredit < 0 || newCredit > window.highWaterMark()) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "a resumed credit of " + newCredit
                    + " is outside 0.." + window.highWaterMark());
        }
        credit = newCredit;
    }

    /** The credit left now; 0 before the first grant. */
    public synchronized int credit() {
        return (int) credit;
    }

    /** Whether the receiver's first grant has arrived. */
    public synchronized boolean granted() {
        return window != null;
    }

    /** The receiver's high-water mark, 0 before its first grant. */
    public synchronized int highWaterMark() {
        return window == null ? 0 : window.highWaterMark();
    }

    /**
     * Whether every item sent has been paid back: the credit is the whole high-water mark again.
     * After the end of the items, this tells the sender that the receiver consumed them all (the
     * final return) and the stream's copies may go.
     */
    public synchronized boolean allPaidBack() {
        return window != null && credit == window.highWaterMark();
    }

    static void requirePositive(int cost) {
        if (cost < 1) {
            throw new IllegalArgumentException("an item costs at least 1: " + cost);
        }
    }

    @Override
    public synchronized String toString() {
        return window == null ? "credit: waiting for the first grant"
                : "credit " + credit + " of " + window.highWaterMark();
    }
}
