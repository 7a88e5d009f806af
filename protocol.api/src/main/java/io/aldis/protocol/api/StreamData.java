package io.aldis.protocol.api;

import java.util.Objects;

/**
 * STREAM_DATA: one item of a stream.
 *
 * @param last whether no item follows (flag bit 0, LAST)
 * @param streamId the stream
 * @param item the raw item
 */
public record StreamData(boolean last, long streamId, byte[] item) implements Frame {
    /** Flag bit 0: this is the last item. */
    public static final int FLAG_LAST = 0x01;

    public StreamData {
        Objects.requireNonNull(item, "item");
    }

    @Override
    public FrameType type() {
        return FrameType.STREAM_DATA;
    }
}
