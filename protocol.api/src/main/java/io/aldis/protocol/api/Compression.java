package io.aldis.protocol.api;

/** How file chunks are compressed, as carried in UPLOAD_REQUEST, DOWNLOAD_REQUEST and DOWNLOAD_ACCEPT. */
public enum Compression {
    /** Chunks are sent as they are. */
    NONE(0),
    /** Every chunk is LZ4-compressed. */
    LZ4(1),
    /** Each chunk is LZ4-compressed only when that makes it smaller; CHUNK_DATA's COMPRESSED flag tells which. */
    ADAPTIVE(2);

    private final int code;

    Compression(int code) {
        this.code = code;
    }

    /** The value written on the wire (u8). */
    public int code() {
        return code;
    }

    /** The constant for a wire value, or {@code null} for a value protocol v1 does not define. */
    public static Compression of(int code) {
        for (Compression value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return null;
    }
}
