package io.aldis.protocol.api.spi.node;

/** Lifecycle of a session. */
public enum SessionState {
    /** Socket open, waiting for CONNECT. */
    CONNECTING,
    /** CONNECT_ACK sent, authentication in progress. */
    AUTHENTICATING,
    /** Authenticated; frames are dispatched to features. */
    OPEN,
    /** Inbound work is paused (PAUSE sent) until queued work falls to the low-water mark. */
    PAUSED,
    /** CLOSE sent or received; draining in-flight work. */
    CLOSING,
    /** Disconnected. */
    CLOSED
}
