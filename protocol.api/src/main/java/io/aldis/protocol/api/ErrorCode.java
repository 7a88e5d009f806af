package io.aldis.protocol.api;

/**
 * Stable numeric error codes carried by ERROR, RPC_ERROR, STREAM_ERROR, UPLOAD_REJECT,
 * DOWNLOAD_REJECT and CHUNK_NACK. Codes never change meaning once released; the table in
 * {@code docs/protocol.md} is normative. Families: -1xx protocol, -2xx authentication and
 * authorization, -3xx messaging, -4xx RPC, -5xx streams, -6xx limits and load, -7xx connection
 * and file transfer (kept from the file-transfer design).
 */
public enum ErrorCode {
    PROTOCOL_ERROR(-100),
    UNSUPPORTED_VERSION(-101),
    FRAME_TOO_LARGE(-102),
    UNKNOWN_FRAME_TYPE(-103),
    MALFORMED_FRAME(-104),
    UNEXPECTED_FRAME(-105),
    CAPABILITY_UNAVAILABLE(-106),
    INTERNAL_ERROR(-110),
    SHUTTING_DOWN(-111),

    AUTH_REQUIRED(-200),
    AUTH_FAILED(-201),
    AUTH_MECHANISM_UNSUPPORTED(-202),
    AUTH_TIMEOUT(-203),
    AUTH_MECHANISM_NOT_ALLOWED(-204),
    FORBIDDEN(-210),
    SESSION_KILLED(-220),

    NO_HANDLER(-300),
    INVALID_SUBJECT(-301),
    SUBSCRIPTION_LIMIT(-302),
    MESSAGE_TOO_LARGE(-303),
    SLOW_CONSUMER(-304),
    REQUEST_TIMEOUT(-310),
    NO_RESPONDERS(-311),

    METHOD_NOT_FOUND(-400),
    INVALID_PARAMS(-401),
    DEADLINE_EXCEEDED(-402),
    CANCELLED(-403),
    PROVIDER_GONE(-404),
    SERVICE_ERROR(-405),
    CONNECTION_INTERRUPTED(-406),

    STREAM_NOT_FOUND(-500),
    STREAM_CREDIT_EXCEEDED(-501),
    STREAM_FAILED(-502),
    STREAMING_UNAVAILABLE(-503),
    STREAM_ITEM_TOO_LARGE(-504),
    UNKNOWN_SIZE_FUNCTION(-505),
    STREAM_LIMIT(-506),

    RATE_LIMITED(-600),
    BUSY(-601),
    TOO_MANY_CONNECTIONS(-602),
    HEARTBEAT_TIMEOUT(-603),

    CONNECTION_FAILED(-700),
    CONNECTION_TIMEOUT(-701),
    CONNECTION_LOST(-702),
    RECONNECT_FAILED(-703),
    TRANSFER_NOT_FOUND(-710),
    INVALID_FILE_NAME(-711),
    FILE_TOO_LARGE(-712),
    UPLOAD_REJECTED(-713),
    DOWNLOAD_REJECTED(-714),
    CHUNK_CHECKSUM_ERROR(-720),
    CHUNK_OUT_OF_RANGE(-721),
    DECOMPRESSION_FAILED(-722),
    FILE_HASH_MISMATCH(-730),
    RESUME_NOT_POSSIBLE(-740),
    STORAGE_FULL(-745),
    FILE_NOT_FOUND_ON_SERVER(-746),
    QUOTA_EXCEEDED(-747),
    UPLOAD_CONFLICT(-748),
    STORAGE_ERROR(-750);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The value written on the wire. */
    public int code() {
        return code;
    }

    /** The code for a wire value, or {@code null} for a value this release does not know. */
    public static ErrorCode of(int code) {
        for (ErrorCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
