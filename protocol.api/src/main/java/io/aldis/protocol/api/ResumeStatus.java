package io.aldis.protocol.api;

/** Whether an interrupted transfer can continue, as carried in RESUME_RESPONSE. */
public enum ResumeStatus {
    /** The transfer continues with the missing chunks. */
    RESUMABLE(0),
    /** The node knows no such transfer. */
    NOT_FOUND(1),
    /** The file changed since the transfer began (its hash differs); start again. */
    FILE_CHANGED(2),
    /** The saved transfer state cannot be trusted; start again. */
    STATE_CORRUPTED(3),
    /** The partial transfer was discarded after its retention time; start again. */
    EXPIRED(4);

    private final int code;

    ResumeStatus(int code) {
        this.code = code;
    }

    /** The value written on the wire (u8). */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} for a value protocol v1 does not define. */
    public static ResumeStatus of(int code) {
        for (ResumeStatus value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return null;
    }
}
