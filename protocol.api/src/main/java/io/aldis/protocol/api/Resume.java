package io.aldis.protocol.api;

/** RESUME: the peer may send work again after a PAUSE. */
public record Resume() implements Frame {
    /** The one instance; the frame has no fields. */
    public static final Resume INSTANCE = new Resume();

    @Override
    public FrameType type() {
        return FrameType.RESUME;
    }
}
