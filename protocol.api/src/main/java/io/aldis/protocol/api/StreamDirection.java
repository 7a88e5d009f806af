package io.aldis.protocol.api;

/** Which way the items of a stream flow, as carried in STREAM_OPEN. */
public enum StreamDirection {
    /** The node sends items to the client. */
    NODE_TO_CLIENT(1),
    /** The client sends items to the node. */
    CLIENT_TO_NODE(2),
    /** Both sides send items. */
    BIDIRECTIONAL(3);

    private final int code;

    StreamDirection(int code) {
        this.code = code;
    }

    /** The value written on the wire (u8). */
    public int code() {
        return code;
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
