package io.aldis.protocol.api.stream;

import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.ProtocolException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The copies a sender keeps of one direction of a stream, so that after a session resume no item
 * is lost and none is sent twice (docs/protocol.md 6.4.7).
 *
 * <p>A copy is kept until the receiver has paid it back: consumption is in order and returns each
 * item's cost exactly once, so the credit returned pays items from the oldest. What is kept is
 * therefore what the receiver has not consumed, which never costs more than its high-water mark.
 * On resume, the receiver's count of items it holds says which copies go and which are sent again;
 * from then on the returned credit first pays for the items the receiver still holds, whose copies
 * are gone, and then for the items sent after the resume.
 *
 * <p>Thread-safe: every method is atomic, so the producing thread may record items while the I/O
 * thread applies returned credit.
 *
 * @param <T> the item as the sender keeps it (the encoded bytes, or a value it can encode again)
 */
public final class ResendBuffer<T> {
    private record Copy<T>(T item, int cost) {
    }

    private final ArrayDeque<Copy<T>> copies = new ArrayDeque<>();
    private long oldestIndex;
    private long nextIndex;
    private long keptCost;
    // Returned credit still to pay for items the receiver held when the session was resumed.
    private long owedForHeld;
    // Returned credit that does not cover the oldest copy yet; 0 with a receiver that follows the rules.
    private long paidTowardOldest;

    /** Records an item that was just sent, at the next number. */
    public synchronized void sent(T item, int cost) {
        SenderCredit.requirePositive(cost);
        copies.addLast(new Copy<>(item, cost));
        keptCost += cost;
        nextIndex++;
    }

    /**
     * Applies credit the receiver returned with STREAM_CREDIT, dropping the copies it pays for. The
     * receiver's first grant opens the window and pays for nothing: do not pass it here.
     */
    public synchronized void paidBack(int credit) {
        long left = credit;
        long forHeld = Math.min(left, owedForHeld);
        owedForHeld -= forHeld;
        paidTowardOldest += left - forHeld;
        while (!copies.isEmpty() && copies.peekFirst().cost() <= paidTowardOldest) {
            Copy<T> paid = copies.removeFirst();
            paidTowardOldest -= paid.cost();
            keptCost -= paid.cost();
            oldestIndex++;
        }
    }

    /**
     * Applies the receiver's STREAM_RESUME: drops the copies of the items it holds or has consumed
     * and hands back, in order, the items to send again. They are no longer counted as sent: record
     * each with {@link #sent} when it goes out again, within the credit the resume gave.
     *
     * @param point the receiver's resume point
     * @param highWaterMark the receiver's high-water mark
     * @return the items from number {@code point.received()} on, oldest first
     * @throws ProtocolException with {@link ErrorCode#PROTOCOL_ERROR} when the receiver claims fewer
     *         items than it has already paid back, or more than were sent
     */
    public synchronized List<T> resume(ResumePoint point, int highWaterMark) {
        if (point.received() < oldestIndex || point.received() > nextIndex) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "the receiver claims " + point.received()
                    + " items, but " + oldestIndex + " were paid back and " + nextIndex + " sent");
        }
        if (point.credit() > highWaterMark) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "a resumed credit of " + point.credit()
                    + " is above the high-water mark " + highWaterMark);
        }
        for (long i = oldestIndex; i < point.received(); i++) {
            keptCost -= copies.removeFirst().cost();
        }
        List<T> again = new ArrayList<>(copies.size());
        for (Copy<T> copy : copies) {
            again.add(copy.item());
        }
        copies.clear();
        keptCost = 0;
        oldestIndex = point.received();
        nextIndex = point.received();
        owedForHeld = highWaterMark - (long) point.credit();
        paidTowardOldest = 0;
        return again;
    }

    /** The number of copies kept. */
    public synchronized int keptItems() {
        return copies.size();
    }

    /** The cost of the copies kept: at most the receiver's high-water mark. */
    public synchronized long keptCost() {
        return keptCost;
    }

    /** How many items have been sent, counting from the start of the stream. */
    public synchronized long sentItems() {
        return nextIndex;
    }
}
