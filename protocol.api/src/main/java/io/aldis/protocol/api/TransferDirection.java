package io.aldis.protocol.api;

/** Whether a transfer named in RESUME_REQUEST was an upload or a download. */
public enum TransferDirection {
    /** From the client to the node. */
    UPLOAD(1),
    /** From the node to the client. */
    DOWNLOAD(2);

    private final int code;

    TransferDirection(int code) {
        this.code = code;
    }

    /** The value written on the wire (u8). */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} for a value protocol v1 does not define. */
    public static TransferDirection of(int code) {
        for (TransferDirection value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return null;
    }
}
