package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import io.netty.buffer.ByteBuf;

/**
 * The one definition of a frame type's flags and body (section 5 of {@code docs/protocol.md}):
 * {@link FrameCodec} writes and reads every frame through its type's layout, so the two
 * directions follow the same field list. Layouts are stateless singletons.
 *
 * @param <F> the frame record of the type
 */
abstract class FrameLayout<F extends Frame> {
    final FrameType type;

    FrameLayout(FrameType type) {
        this.type = type;
    }

    /** The flags byte for {@code frame}; types without flags write 0. */
    int flags(F frame) {
        return 0;
    }

    /** Writes the body that follows the flags byte. */
    abstract void write(F frame, ByteBuf out, RepeatedStrings strings);

    /**
     * Reads the body that follows the flags byte, leaving anything after it unread.
     *
     * @param flags the frame's flags byte
     */
    abstract F read(int flags, ByteBuf in, RepeatedStrings strings);
}
