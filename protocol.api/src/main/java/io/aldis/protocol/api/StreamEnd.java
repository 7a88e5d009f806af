package io.aldis.protocol.api;

/**
 * STREAM_END: the sender of a stream completed it normally.
 *
 * @param streamId the stream
 */
public record StreamEnd(long streamId) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.STREAM_END;
    }
}
