package io.aldis.feature.streaming.internal.streams;

import io.aldis.protocol.api.stream.ResendBuffer;
import io.aldis.protocol.api.stream.ResumePoint;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The copies one stream's sending side keeps so that a resumed session gets again what the break
 * lost, within the node's {@link ResendBudget}. When the budget cannot take an item, the stream
 * gives its copies up: it goes on as before, but ends with its connection instead of being kept
 * for a resume. Used on the session's event loop only: a node stream's sending side, and the
 * relay's sending side toward a provider.
 */
public final class ResendCopies {
    private final ResendBudget budget;
    private ResendBuffer<byte[]> buffer = new ResendBuffer<>();
    /**
     * The copies in the buffer, oldest first, for their lengths when the buffer drops them: the same
     * arrays, so that keeping them costs no allocation per item.
     */
    private final ArrayDeque<byte[]> kept = new ArrayDeque<>();
    private long bytes;

    public ResendCopies(ResendBudget budget) {
        this.budget = budget;
    }

    /** Whether the stream still keeps its copies, so that a resumed session can have it. */
    public boolean keeping() {
        return buffer != null;
    }

    /** An item went out at the next number. */
    public void sent(byte[] item, int cost) {
        if (buffer == null) {
            return;
        }
        if (!budget.reserve(item.length)) {
            giveUp();
            return;
        }
        buffer.sent(item, cost);
        kept.addLast(item);
        bytes += item.length;
    }

    /** The caller returned {@code credit} (not its first grant): the copies it pays for go. */
    public void paidBack(int credit) {
        if (buffer == null) {
            return;
        }
        buffer.paidBack(credit);
        while (kept.size() > buffer.keptItems()) {
            int size = kept.removeFirst().length;
            bytes -= size;
            budget.release(size);
        }
    }

    /**
     * As {@link ResendBuffer#resume}: puts the copies to send again in front of {@code pending}, in
     * the order they went first; they are no longer kept until they are sent again.
     */
    public void resendFirst(ResumePoint point, int highWaterMark, Deque<byte[]> pending) {
        List<byte[]> again = buffer.resume(point, highWaterMark);
        releaseAll();
        for (int i = again.size() - 1; i >= 0; i--) {
            pending.addFirst(again.get(i));
        }
    }

    /** The stream is over or cannot be resumed any more: every copy goes. */
    public void giveUp() {
        releaseAll();
        buffer = null;
    }

    private void releaseAll() {
        budget.release(bytes);
        bytes = 0;
        kept.clear();
    }
}
