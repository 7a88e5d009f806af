package io.aldis.protocol.api;

/**
 * STREAM_RESUME: after a session was resumed with its token, where one side stands on a stream
 * that was open when the connection broke (docs/protocol.md 6.4, resumption).
 *
 * <p>With {@code receiving} set, the sender of this frame receives items on the stream: it holds
 * or has consumed the first {@code received} items (so the peer sends again from the item
 * numbered {@code received}, counting from 0), and {@code credit} replaces the peer's credit.
 * With it clear, the frame only says the stream is still open on this side; the other fields are
 * then 0.
 *
 * @param receiving flag bit 0, RECEIVING: this side receives items on the stream
 * @param ended flag bit 1, ENDED: this side has received the peer's end of items (STREAM_END or
 *        STREAM_DATA with LAST); only with {@code receiving}
 * @param streamId the stream
 * @param received how many of the peer's items this side holds or has consumed
 * @param credit the peer's credit from now on, in the stream's unit
 */
public record StreamResume(boolean receiving, boolean ended, long streamId, long received, int credit)
        implements Frame {
    /** Flag bit 0: the sender of the frame receives items on the stream. */
    public static final int FLAG_RECEIVING = 0x01;
    /** Flag bit 1: the sender of the frame has received the end of the peer's items. */
    public static final int FLAG_ENDED = 0x02;

    public StreamResume {
        if (received < 0) {
            throw new IllegalArgumentException("received must not be negative: " + received);
        }
        if (credit < 0) {
            throw new IllegalArgumentException("credit must not be negative: " + credit);
        }
        if (!receiving && (received != 0 || credit != 0 || ended)) {
            throw new IllegalArgumentException("a side that does not receive reports no items, credit or end");
        }
    }

    /** The frame of a side that receives on the stream. */
    public static StreamResume receiver(long streamId, long received, int credit, boolean ended) {
        return new StreamResume(true, ended, streamId, received, credit);
    }

    /** The frame of a side that only sends on the stream. */
    public static StreamResume senderOnly(long streamId) {
        return new StreamResume(false, false, streamId, 0, 0);
    }

    @Override
    public FrameType type() {
        return FrameType.STREAM_RESUME;
    }
}
