package io.aldis.client.internal;

import io.aldis.client.DisconnectReason;
import io.aldis.protocol.api.ErrorFrame;
import io.aldis.protocol.api.Frame;
import java.net.SocketAddress;
import java.util.List;

/**
 * What a {@link ClientHandler} tells its owner. Called on the channel's event loop: implementations
 * must hand anything slow to another thread.
 */
public interface ConnectionEvents {
    /** AUTH_OK delivered a resume token. */
    default void tokenIssued(String token, long expiresAt) {
    }

    /** The node sent PAUSE. */
    default void nodePaused() {
    }

    /** The node sent RESUME and the queued frames were written. */
    default void nodeResumed() {
    }

    /** The node sent CAPABILITY_CHANGE: it offers {@code capabilities} from now on. */
    default void capabilitiesChanged(long capabilities) {
    }

    /**
     * The node sent NODE_ADDRESSES: where the client reaches the nodes of its cluster.
     *
     * @param node the connection's remote address, the node that sent the list
     */
    default void nodeAddresses(List<String> addresses, SocketAddress node) {
    }

    /** The node sent an ERROR with request id 0 while the session was open. */
    default void connectionError(ErrorFrame error) {
    }

    /** A frame the client does not consume itself. */
    default void frame(Frame frame) {
    }

    /**
     * Frames the client does not consume itself, in the order they arrived; {@code processed} is
     * to be run once the application has handled all of them, from any thread (the connection
     * stops reading while too many frames wait for that). The handler hands over what one read
     * brought, so that the application side is woken once per read rather than per frame.
     */
    default void frames(List<Frame> frames, Runnable processed) {
        try {
            for (Frame frame : frames) {
                frame(frame);
            }
        } finally {
            processed.run();
        }
    }

    /**
     * The channel closed. Called after the handler's {@code opened()} future has completed, one way
     * or the other.
     *
     * @param reconnect false when the node said not to come back (or the application closed)
     */
    default void closed(ClientHandler handler, DisconnectReason reason, boolean reconnect) {
    }
}
