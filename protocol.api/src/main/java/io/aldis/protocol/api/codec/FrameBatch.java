package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.Frame;
import java.util.List;
import java.util.Objects;

/**
 * Several frames written down a pipeline as one message, to be sent in list order. The frame
 * encoders of every transport accept it besides single frames: it spares a pass through the
 * pipeline per frame when a sender has many ready at once. Its promise completes when all of
 * them are written, and fails with the first that cannot be encoded (the ones after it are then
 * not sent).
 *
 * <p>An {@link EncodedChunkData} is sent on its own: a batch refuses it, and releases it.
 *
 * @param frames the frames, not to be changed until the write has been handed over
 */
public record FrameBatch(List<? extends Frame> frames) {
    /** Checks the list is there. */
    public FrameBatch {
        Objects.requireNonNull(frames, "frames");
        for (Frame frame : frames) {
            if (frame instanceof EncodedChunkData refused) {
                // Nothing would release it: a batch's frames are encoded and dropped.
                refused.release();
                throw new IllegalArgumentException("an EncodedChunkData is sent on its own, not in a batch");
            }
        }
    }
}
