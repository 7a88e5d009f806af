package io.aldis.bench;

import java.nio.ByteBuffer;

/**
 * Reads the frames of one direction of a TCP connection as the bytes go by (protocol §2.1: a
 * {@code u32} length, then the frame), without holding them: it keeps only the first
 * {@link #HEAD_BYTES} bytes of each frame, which carry every field the benchmarks look at, and
 * hands them to its {@link Listener} as soon as they have passed (or the whole frame, if shorter).
 * So a large frame is reported as sent once its sender began sending it, even if a broken
 * connection then cuts it off.
 */
final class FrameTap {
    /** Bytes of a frame kept for the listener: type, flags and the fixed fields of the file frames. */
    static final int HEAD_BYTES = 96;

    /** Told of each frame once its head has passed, on the thread that feeds the tap. */
    interface Listener {
        /**
         * @param head the frame's first bytes (type, flags, then the body), at most {@link #HEAD_BYTES}
         * @param frameLength the frame's length, as its prefix gives it (the prefix not counted)
         * @param startNanos {@link System#nanoTime()} when the frame's prefix had passed: when the
         *        sender began to send it
         */
        void frame(ByteBuffer head, int frameLength, long startNanos);
    }

    private final Listener listener;
    private final byte[] prefix = new byte[4];
    private int prefixRead;
    private final ByteBuffer head = ByteBuffer.allocate(HEAD_BYTES);
    /** Bytes of the current frame still to come, after the prefix. */
    private long frameLeft;
    private int frameLength;
    private long frameStart;
    private boolean reported;

    FrameTap(Listener listener) {
        this.listener = listener;
    }

    /** Takes the next {@code length} bytes of the direction. */
    void feed(byte[] bytes, int offset, int length) {
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (prefixRead < 4) {
                prefix[prefixRead++] = bytes[i++];
                if (prefixRead == 4) {
                    frameLength = ByteBuffer.wrap(prefix).getInt();
                    frameLeft = Integer.toUnsignedLong(frameLength);
                    frameStart = System.nanoTime();
                    head.clear();
                    reported = false;
                    if (frameLeft == 0) {
                        report();
                        prefixRead = 0;
                    }
                }
                continue;
            }
            int n = (int) Math.min(end - i, frameLeft);
            int kept = Math.min(n, head.remaining());
            head.put(bytes, i, kept);
            i += n;
            frameLeft -= n;
            if (!reported && (frameLeft == 0 || !head.hasRemaining())) {
                report();
            }
            if (frameLeft == 0) {
                prefixRead = 0;
            }
        }
    }

    private void report() {
        reported = true;
        head.flip();
        listener.frame(head.asReadOnlyBuffer(), frameLength, frameStart);
    }
}
