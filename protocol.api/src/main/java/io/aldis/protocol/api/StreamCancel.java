package io.aldis.protocol.api;

/**
 * STREAM_CANCEL: the receiver of a stream wants no more items.
 *
 * @param streamId the stream
 */
public record StreamCancel(long streamId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.STREAM_CANCEL;
    }
}
