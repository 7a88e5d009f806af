package io.aldis.protocol.api.codec;

import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * How node and client group written frames into socket writes. Frames written while a read is
 * handled go out together, but never more than {@link #FRAMES_PER_FLUSH} frames' worth at once:
 * a peer that gets its answers in slices of a few frames starts on the first slice while this
 * side still works on the rest, so both ends of a connection run at the same time instead of
 * taking turns over one large batch. Fewer frames per write would cost a system call for every
 * frame or two; more would bring back the turn-taking.
 */
public final class Flushes {
    /**
     * The most frames written in one socket write while a read is handled. Measured with 32 calls
     * in flight on one connection: 4 and 16 both did worse than 8 (docs/benchmarks.md).
     */
    public static final int FRAMES_PER_FLUSH = 8;

    private Flushes() {
    }

    /**
     * A flush consolidation that writes after {@link #FRAMES_PER_FLUSH} flushes or at the end of
     * the read; with {@code whenNoReadInProgress}, flushes made outside a read (from other threads)
     * are grouped too, until the event loop gets to them.
     */
    public static FlushConsolidationHandler consolidation(boolean whenNoReadInProgress) {
        return new FlushConsolidationHandler(FRAMES_PER_FLUSH, whenNoReadInProgress);
    }
}
