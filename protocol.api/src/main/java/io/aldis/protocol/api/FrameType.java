package io.aldis.protocol.api;

/**
 * Every frame type of protocol v1 with its wire code (the first byte of a frame).
 * The normative byte layout of each body is in {@code docs/protocol.md}.
 */
public enum FrameType {
    // connection
    CONNECT(0x01),
    CONNECT_ACK(0x02),
    // authentication
    AUTH_START(0x10),
    AUTH_CHALLENGE(0x11),
    AUTH_RESPONSE(0x12),
    AUTH_OK(0x13),
    // liveness, connection flow control, close, errors
    PING(0x20),
    PONG(0x21),
    PAUSE(0x22),
    RESUME(0x23),
    CLOSE(0x24),
    CLOSE_ACK(0x25),
    CAPABILITY_CHANGE(0x26),
    NODE_ADDRESSES(0x27),
    ACK(0x2E),
    ERROR(0x2F),
    // typed messages and publish/subscribe
    MESSAGE(0x30),
    SUBSCRIBE(0x31),
    UNSUBSCRIBE(0x32),
    PUBLISH(0x33),
    DELIVER(0x34),
    // RPC and services provided by clients
    RPC_REQUEST(0x40),
    RPC_RESPONSE(0x41),
    RPC_ERROR(0x42),
    RPC_CANCEL(0x43),
    SERVICE_PROVIDE(0x44),
    SERVICE_WITHDRAW(0x45),
    // streams
    STREAM_OPEN(0x50),
    STREAM_DATA(0x51),
    STREAM_CREDIT(0x52),
    STREAM_END(0x53),
    STREAM_ERROR(0x54),
    STREAM_CANCEL(0x55),
    STREAM_RESUME(0x56),
    // file transfer
    UPLOAD_REQUEST(0x60),
    UPLOAD_ACCEPT(0x61),
    UPLOAD_REJECT(0x62),
    DOWNLOAD_REQUEST(0x63),
    DOWNLOAD_ACCEPT(0x64),
    DOWNLOAD_REJECT(0x65),
    CHUNK_DATA(0x66),
    CHUNK_ACK(0x67),
    CHUNK_NACK(0x68),
    UPLOAD_COMPLETE(0x69),
    UPLOAD_VERIFY(0x6A),
    DOWNLOAD_COMPLETE(0x6B),
    DOWNLOAD_VERIFY(0x6C),
    LIST_REQUEST(0x6D),
    LIST_RESPONSE(0x6E),
    RESUME_REQUEST(0x6F),
    RESUME_RESPONSE(0x70),
    TRANSFER_ABORT(0x71),
    FILE_REMOVE(0x72);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    /** The wire code, 0..255. */
    public int code() {
        return code;
    }

    /** The type for a wire code, or {@code null} when protocol v1 defines none. */
    public static FrameType of(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
