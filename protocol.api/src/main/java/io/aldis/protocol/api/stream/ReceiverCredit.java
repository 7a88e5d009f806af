package io.aldis.protocol.api.stream;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;

/**
 * The receiver's credit on one direction of a stream (docs/protocol.md 6.4.3): the first grant,
 * the check of every arriving item against the credit handed out, the count of what the
 * application consumed, and when to return it with STREAM_CREDIT.
 *
 * <p>Three amounts always add up to the high-water mark: the credit handed out and not yet used
 * by an arriving item, the cost of items received and not yet consumed, and the cost consumed and
 * not yet returned. An item costing more than the first is the sender's error
 * ({@code STREAM_CREDIT_EXCEEDED}); consumed credit is returned all at once when it reaches half
 * the high-water mark, and after the end of the items when everything has been consumed (the final
 * return).
 *
 * <p>A receiver that waits for other traffic on the same connection (answers to its calls) may
 * keep the stream to a {@linkplain #share(int) share} of its high-water mark, so that less of the
 * stream is in flight ahead of that traffic: it then returns consumed credit only as far as keeps
 * the credit handed out plus the items held at the share, once they fell to half of it; the rest
 * waits until the share is lifted or the final return.
 *
 * <p>Thread-safe: every method is atomic, so items may arrive on the I/O thread while the
 * application consumes on its own.
 */
public final class ReceiverCredit {
    private final CreditWindow window;
    private long handedOut;
    private long held;
    private long unreturned;
    private long received;
    private boolean ended;
    /** 0, or the share of the high-water mark the stream is kept to. */
    private long share;
    private long largestCost;

    /**
     * A receiver whose first grant, and high-water mark, is {@code highWaterMark}.
     *
     * @throws IllegalArgumentException for a high-water mark below 1
     */
    public ReceiverCredit(int highWaterMark) {
        window = new CreditWindow(highWaterMark);
        handedOut = highWaterMark;
    }

    /** The first grant: STREAM_OPEN's {@code initialCredit}, or the STREAM_CREDIT answering it. */
    public int initialGrant() {
        return window.highWaterMark();
    }

    /** The rules of this receiver's high-water mark. */
    public CreditWindow window() {
        return window;
    }

    /**
     * Counts an arriving item against the credit handed out.
     *
     * @throws ProtocolException the sender's error, for the STREAM_ERROR that answers it (the item
     *         is not counted): {@link ErrorCode#STREAM_ITEM_TOO_LARGE} for an item above the largest
     *         cost, {@link ErrorCode#STREAM_CREDIT_EXCEEDED} for one beyond the credit handed out,
     *         {@link ErrorCode#PROTOCOL_ERROR} for one after the end of the items
     */
    public synchronized void received(int cost) {
        SenderCredit.requirePositive(cost);
        if (ended) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "an item after the end of the stream's items");
        }
        if (cost > window.largestItemCost()) {
            throw new ProtocolException(ErrorCode.STREAM_ITEM_TOO_LARGE, "an item costing " + cost
                    + " is more than half the high-water mark " + window.highWaterMark() + " allows ("
                    + window.largestItemCost() + ")");
        }
        if (cost > handedOut) {
            throw new ProtocolException(ErrorCode.STREAM_CREDIT_EXCEEDED, "an item costing " + cost
                    + " arrived with only " + handedOut + " credit granted");
        }
        handedOut -= cost;
        held += cost;
        received++;
        largestCost = Math.max(largestCost, cost);
    }

    /**
     * Counts an item the application has taken (not merely received).
     *
     * @return the credit to return now with STREAM_CREDIT, or 0 to send nothing yet
     * @throws IllegalStateException when more is consumed than was received
     */
    public synchronized int consumed(int cost) {
        SenderCredit.requirePositive(cost);
        if (cost > held) {
            throw new IllegalStateException("consumed " + cost + " with only " + held + " received and not consumed");
        }
        held -= cost;
        unreturned += cost;
        return due();
    }

    /**
     * Keeps the stream to {@code share} of the high-water mark, or lifts the share with 0
     * (docs/protocol.md 6.4.3, "Sharing the connection"). While a share holds, consumed credit goes
     * back only once the credit handed out plus the cost of the items held fell to half of it, and
     * then only as much as brings them back to it. The share is never below twice the largest item
     * received, so an item the size of one already seen always fits the credit the sender holds
     * once everything is consumed; a larger one may wait until the share is lifted. After the end of
     * the items it no longer matters.
     *
     * @return the credit to return now with STREAM_CREDIT (what the new share makes due), or 0
     * @throws IllegalArgumentException for a share below 0 or above the high-water mark
     */
    public synchronized int share(int share) {
        if (share < 0 || share > window.highWaterMark()) {
            throw new IllegalArgumentException("a share of " + share + " is not within the high-water mark "
                    + window.highWaterMark());
        }
        this.share = share;
        return due();
    }

    /** The credit rule 3 or the share makes due now; returned and counted as handed out. */
    private int due() {
        if (share == 0 || ended) {
            return window.replenishDue(unreturned) ? returnUnreturned() : 0;
        }
        long limit = Math.min(window.highWaterMark(), Math.max(share, 2 * largestCost));
        long outstanding = handedOut + held;
        if (2 * outstanding > limit) {
            return 0;
        }
        // unreturned is the high-water mark less outstanding, so it always covers the grant
        int grant = (int) Math.min(unreturned, limit - outstanding);
        unreturned -= grant;
        handedOut += grant;
        return grant;
    }

    /** Notes STREAM_END, or STREAM_DATA with LAST after that item was counted. */
    public synchronized void endReceived() {
        ended = true;
    }

    /** Whether the items have ended and the application has consumed them all. */
    public synchronized boolean drained() {
        return ended && held == 0;
    }

    /**
     * The final return: the rest of the consumed credit, once {@link #drained()}. A callee sends
     * it at once; a caller only once it also has the call's answer.
     *
     * @return the credit for the last STREAM_CREDIT, 0 when nothing is left to return
     * @throws IllegalStateException before the items have ended and been consumed
     */
    public synchronized int finalReturn() {
        if (!drained()) {
            throw new IllegalStateException("the final return comes after the end, once everything is consumed");
        }
        return returnUnreturned();
    }

    /**
     * Where this receiver stands for STREAM_RESUME after a session resume. Credit consumed and not
     * returned is returned by it, and items lost in the break no longer count as used: from here the
     * sender's credit is the high-water mark less what this side holds unconsumed.
     */
    public synchronized ResumePoint resumePoint() {
        unreturned = 0;
        handedOut = window.highWaterMark() - held;
        return new ResumePoint(received, (int) handedOut, ended);
    }

    /** How many items have arrived. */
    public synchronized long receivedItems() {
        return received;
    }

    /** The credit handed out and not yet used, plus the cost of the items held unconsumed. */
    public synchronized int outstanding() {
        return (int) (handedOut + held);
    }

    /** The credit handed out and not yet used by an arriving item. */
    public synchronized int handedOut() {
        return (int) handedOut;
    }

    private int returnUnreturned() {
        int grant = (int) unreturned;
        unreturned = 0;
        handedOut += grant;
        return grant;
    }

    @Override
    public synchronized String toString() {
        return "handed out " + handedOut + ", held " + held + ", unreturned " + unreturned + " of "
                + window.highWaterMark();
    }
}
