package io.aldis.client.internal;

import io.aldis.client.DisconnectReason;
import io.aldis.protocol.ErrorFrame;
import io.aldis.protocol.Frame;

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

    /** The node sent an ERROR with request id 0 while the session was open. */
    default void connectionError(ErrorFrame error) {
    }

    /** A frame the client does not consume itself. */
    default void frame(Frame frame) {
    }

    /**
     * A frame the client does not consume itself; {@code processed} is to be run once the
     * application has handled it, from any thread (the connection stops reading while too many
     * frames wait for that).
     */
    default void frame(Frame frame, Runnable processed) {
        try {
            frame(frame);
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
