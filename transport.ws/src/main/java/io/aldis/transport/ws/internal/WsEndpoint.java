package io.aldis.transport.ws.internal;

/**
 * What an upgraded connection is handed to. The listener's endpoint adds the frame codec and
 * gives the connection to the node; the conformance echo server echoes messages instead.
 */
@FunctionalInterface
interface WsEndpoint {
    /**
     * Called on the connection's event loop once the handshake is complete; adds the handlers
     * that consume complete WebSocket messages at the tail of the pipeline.
     */
    void open(WsConnection connection);

    /**
     * The longest message a connection may send until this endpoint raises the limit with a
     * {@link io.aldis.protocol.api.codec.FrameSizeLimit} event; by default the listener's maximum.
     */
    default int firstMessageLimit(int maxFrameSize) {
        return maxFrameSize;
    }
}
