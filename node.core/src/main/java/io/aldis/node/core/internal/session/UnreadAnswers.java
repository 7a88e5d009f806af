package io.aldis.node.core.internal.session;

/**
 * Counts the answers the node writes on its own to frames that cost the peer nothing to send (a
 * PONG to each PING, an ERROR to each frame of an unknown type) while the connection's send
 * buffer is full. A peer that keeps sending those without reading what comes back would otherwise
 * make the node buffer answers without end; past {@link #LIMIT} in one spell of a full buffer it is
 * taken for a flood. A client that reads, however slowly, empties the buffer now and then, and
 * each time the count starts again. Used on the event loop only.
 */
final class UnreadAnswers {
    /**
     * Answers a peer may leave unread in one spell: far more than a client's keep-alive PINGs
     * during any wait (one every few seconds), far fewer than a flood sends in a moment.
     */
    static final int LIMIT = 1024;

    private int count;

    /**
     * Notes one more answer written while the peer may not be reading.
     *
     * @param writable whether the connection can take more bytes right now
     * @return true when the peer has now left more than {@link #LIMIT} answers unread
     */
    boolean answered(boolean writable) {
        if (writable) {
            count = 0;
            return false;
        }
        return ++count > LIMIT;
    }

    /** The peer read enough for the connection to take bytes again. */
    void drained() {
        count = 0;
    }
}
