package io.aldis.client;

/** Where an {@link AldisClient} is in its life. */
public enum ClientState {
    /** Built, {@link AldisClient#connect()} not called yet. */
    NEW,
    /** The first connection is being opened and authenticated. */
    CONNECTING,
    /** A session is open: frames can be sent. */
    CONNECTED,
    /** The connection was lost; the client is waiting for or running a reconnect attempt. */
    RECONNECTING,
    /** {@link AldisClient#close()} was called and the graceful close is under way. */
    CLOSING,
    /** Closed by the application; the client cannot be used again. */
    CLOSED,
    /**
     * The connection is gone and will not be re-established on its own: the initial connect
     * failed, the reconnect attempts ran out, or the node refused the credentials. Calling
     * {@link AldisClient#connect()} again starts over.
     */
    FAILED
}
