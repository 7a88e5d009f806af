package io.aldis.protocol.api.codec;

import io.aldis.protocol.api.Frame;
import io.aldis.protocol.api.FrameType;
import java.util.List;

/**
 * Finds the layout of each frame type. Built once from the families' layout lists, and refuses
 * to load when a type has no layout or two, so a type added to {@link FrameType} without its
 * layout fails at the first use of the codec rather than on the wire.
 */
final class FrameLayouts {
    private static final FrameLayout<?>[] BY_TYPE = index(List.of(HandshakeLayouts.ALL, ControlLayouts.ALL,
            MessagingLayouts.ALL, RpcLayouts.ALL, StreamLayouts.ALL, TransferLayouts.ALL));

    private FrameLayouts() {
    }

    /**
     * The layout of {@code type}, typed by the caller's frame record: a frame whose record does not
     * match its own {@link Frame#type()} fails with a {@link ClassCastException} when written.
     */
    @SuppressWarnings("unchecked")
    static <F extends Frame> FrameLayout<F> of(FrameType type) {
        return (FrameLayout<F>) BY_TYPE[type.ordinal()];
    }

    private static FrameLayout<?>[] index(List<List<FrameLayout<?>>> families) {
        FrameLayout<?>[] byType = new FrameLayout<?>[FrameType.values().length];
        for (List<FrameLayout<?>> family : families) {
            for (FrameLayout<?> layout : family) {
                if (byType[layout.type.ordinal()] != null) {
                    throw new IllegalStateException(layout.type + " has two layouts");
                }
                byType[layout.type.ordinal()] = layout;
            }
        }
        for (FrameType type : FrameType.values()) {
            if (byType[type.ordinal()] == null) {
                throw new IllegalStateException(type + " has no layout");
            }
        }
        return byType;
    }
}
