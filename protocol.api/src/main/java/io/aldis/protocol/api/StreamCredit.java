package io.aldis.protocol.api;

/**
 * STREAM_CREDIT: the receiver of a stream grants more credit.
 *
 * @param streamId the stream
 * @param credit the credit added, in the stream's credit unit
 */
public record StreamCredit(long streamId, int credit) implements Frame {

    @Override
    public FrameType type() {
        return FrameType.STREAM_CREDIT;
    }
}
