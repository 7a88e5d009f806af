package io.aldis.protocol.api;

/**
 * Which way the items of a stream flow, relative to the RPC call the stream belongs to, as carried
 * in STREAM_OPEN. The constant names describe a client's own calls, where the node is the callee;
 * on the connection of a client that provides a service the node is the caller, so the same code
 * 1 means items from that client to the node. Prefer {@link #CALLEE_TO_CALLER} and
 * {@link #CALLER_TO_CALLEE}, which say what the code means on every connection.
 */
public enum StreamDirection {
    /** Code 1: the callee sends items to the caller (a streamed result). */
    NODE_TO_CLIENT(1),
    /** Code 2: the caller sends items to the callee (a streamed parameter). */
    CLIENT_TO_NODE(2),
    /** Code 3: both send items (a streamed parameter and a streamed result). */
    BIDIRECTIONAL(3);

    /** Code 1: the callee sends items to the caller (a streamed result). */
    public static final StreamDirection CALLEE_TO_CALLER = NODE_TO_CLIENT;
    /** Code 2: the caller sends items to the callee (a streamed parameter). */
    public static final StreamDirection CALLER_TO_CALLEE = CLIENT_TO_NODE;

    private final int code;

    StreamDirection(int code) {
        this.code = code;
    }

    /** The value written on the wire (u8). */
    public int code() {
        return code;
    }

    /** Whether the callee of the call sends items on a stream of this direction. */
    public boolean calleeSends() {
        return this != CLIENT_TO_NODE;
    }

    /** Whether the caller of the call sends items on a stream of this direction. */
    public boolean callerSends() {
        return this != NODE_TO_CLIENT;
    }

    /** The constant for a wire value, or {@code null} for a value protocol v1 does not define. */
    public static StreamDirection of(int code) {
        for (StreamDirection value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return null;
    }
}
