package io.aldis.protocol.api;

/** CLOSE_ACK: in-flight work is drained; the connection closes next. */
public record CloseAck() implements Frame {
    /** The one instance; the frame has no fields. */
    public static final CloseAck INSTANCE = new CloseAck();

    @Override
    public FrameType type() {
        return FrameType.CLOSE_ACK;
    }
}
