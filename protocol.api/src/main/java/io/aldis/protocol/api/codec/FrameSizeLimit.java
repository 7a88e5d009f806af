package io.aldis.protocol.api.codec;

/**
 * A pipeline user event that sets the largest frame a connection's decoder accepts from now on.
 * The node fires it from the head of the pipeline once a session is authenticated, carrying the
 * {@code maxFrameSize} it announced in CONNECT_ACK; until then a decoder built with
 * {@link #HANDSHAKE} keeps to the handshake limit of the protocol (section 2.3), so an
 * unauthenticated peer can never make the node hold more than that for one frame.
 *
 * @param bytes the largest frame accepted, counting type and flags
 */
public record FrameSizeLimit(int bytes) {
    /** The largest frame a peer may send before the session is authenticated: 64 KiB. */
    public static final int HANDSHAKE = 65_536;

    /** Checks the limit can hold a frame header. */
    public FrameSizeLimit {
        if (bytes < 2) {
            throw new IllegalArgumentException("a frame size limit must be at least 2 bytes: " + bytes);
        }
    }
}
