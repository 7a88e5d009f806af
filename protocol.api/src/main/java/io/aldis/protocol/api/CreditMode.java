package io.aldis.protocol.api;

/** What one unit of stream credit stands for, as carried in STREAM_OPEN. */
public enum CreditMode {
    /** One credit per item. */
    ITEMS(0),
    /** One credit per byte of item payload. */
    BYTES(1),
    /** Credits per item come from a size function both sides agree on. */
    CUSTOM(2);

    private final int code;

    CreditMode(int code) {
        this.code = code;
    }

    /** The value written on the wire (u8). */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} for a value protocol v1 does not define. */
    public static CreditMode of(int code) {
        for (CreditMode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return null;
    }
}
