package io.aldis.protocol.api.stream;

import io.aldis.protocol.api.StreamResume;

/**
 * Where a receiver stands on one direction of a stream when its session is resumed: what its
 * STREAM_RESUME tells the sender (docs/protocol.md 6.4.7). Immutable and thread-safe.
 *
 * @param received the items it holds or has consumed; the sender goes on from the item with
 *        this number, counting from 0
 * @param credit the sender's credit from now on
 * @param ended whether it has received the end of the items
 */
public record ResumePoint(long received, int credit, boolean ended) {
    public ResumePoint {
        if (received < 0 || credit < 0) {
            throw new IllegalArgumentException("received and credit cannot be negative");
        }
    }

    /** The STREAM_RESUME frame of a side that receives on {@code streamId}. */
    public StreamResume toFrame(long streamId) {
        return StreamResume.receiver(streamId, received, credit, ended);
    }

    /** The point a STREAM_RESUME with RECEIVING carries. */
    public static ResumePoint of(StreamResume frame) {
        if (!frame.receiving()) {
            throw new IllegalArgumentException("the frame is from a side that does not receive on the stream");
        }
        return new ResumePoint(frame.received(), frame.credit(), frame.ended());
    }
}
