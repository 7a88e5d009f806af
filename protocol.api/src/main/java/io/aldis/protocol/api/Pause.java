package io.aldis.protocol.api;

/** PAUSE: the sender asks its peer to stop sending work until RESUME. */
public record Pause() implements Frame {
    /** The one instance; the frame has no fields. */
    public static final Pause INSTANCE = new Pause();

    @Override
    public FrameType type() {
        return FrameType.PAUSE;
    }
}
